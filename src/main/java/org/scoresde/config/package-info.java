/**
 * Configuration and user-facing errors: the HOCON settings (conf/defaults.conf plus --config files
 * and --set overrides) with their range checks, and {@link org.scoresde.config.UserError}, the one
 * exception a command turns into an {@code error:} line. Depends on no other package of the
 * project, so every layer may read settings and report a user's mistake without knowing the command
 * line.
 */
package org.scoresde.config;
