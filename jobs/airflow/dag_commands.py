#!/usr/bin/env python3
"""Prints, as JSON, the shell commands the score_sde Airflow DAG would run, without Airflow.

Reads the DAG file with the ast module (so it is also a syntax check), finds the DAG's params, its
BashOperator tasks and their >> dependencies, and renders every bash_command for the first try and,
for tasks with retries, the second. The Jinja expressions in the commands ({{ params.x }},
{{ '--resume' if ti.try_number > 1 else '' }}) are also Python expressions and are evaluated as such
with `params` (the DAG's defaults, overridden by --param NAME=VALUE) and `ti`. Anything else in the
DAG body is an error, so that a task this script cannot see cannot pass unnoticed.

  python3 jobs/airflow/dag_commands.py [--param NAME=VALUE ...] jobs/airflow/score_sde_dag.py
"""
import argparse
import ast
import json
import re
import shlex
import sys
from types import SimpleNamespace

TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)


class DagError(Exception):
    pass


def string_value(node, constants):
    """A string built from literals, module-level constant names and +."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return string_value(node.left, constants) + string_value(node.right, constants)
    raise DagError(f"line {node.lineno}: cannot evaluate {ast.unparse(node)!r} as a string")


def keywords(call):
    return {k.arg: k.value for k in call.keywords}


def call_name(node):
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None


def chain(node, tasks):
    """The edges of a `a >> b >> [c, d]` expression."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
        left_edges, left_ends = chain(node.left, tasks)
        right_edges, right_starts = chain(node.right, tasks)
        edges = left_edges + right_edges + [[a, b] for a in left_ends for b in right_starts]
        return edges, right_starts
    if isinstance(node, ast.Name) and node.id in tasks:
        return [], [tasks[node.id]]
    if isinstance(node, ast.List):
        ids = []
        for element in node.elts:
            if not (isinstance(element, ast.Name) and element.id in tasks):
                raise DagError(f"line {node.lineno}: unknown task {ast.unparse(element)!r}")
            ids.append(tasks[element.id])
        return [], ids
    raise DagError(f"line {node.lineno}: unsupported dependency expression {ast.unparse(node)!r}")


def read_dag(source):
    tree = ast.parse(source)
    constants = {}
    dag = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            try:
                constants[stmt.targets[0].id] = string_value(stmt.value, constants)
            except DagError:
                pass
        elif isinstance(stmt, ast.With) and call_name(stmt.items[0].context_expr) == "DAG":
            if dag is not None:
                raise DagError("more than one DAG in the file")
            dag = stmt
    if dag is None:
        raise DagError("no `with DAG(...)` block")
    dag_args = keywords(dag.items[0].context_expr)
    params = {}
    if "params" in dag_args:
        for key, value in zip(dag_args["params"].keys, dag_args["params"].values):
            name = ast.literal_eval(key)
            params[name] = ast.literal_eval(value.args[0] if call_name(value) == "Param" else value)
    default_retries = 0
    if "default_args" in dag_args:
        default_retries = ast.literal_eval(dag_args["default_args"]).get("retries", 0)

    tasks, by_variable, edges = [], {}, []
    for stmt in dag.body:
        if isinstance(stmt, ast.Assign) and call_name(stmt.value) == "BashOperator":
            kw = keywords(stmt.value)
            task_id = ast.literal_eval(kw["task_id"])
            retries = ast.literal_eval(kw["retries"]) if "retries" in kw else default_retries
            tasks.append({"task_id": task_id, "retries": retries,
                          "template": string_value(kw["bash_command"], constants)})
            by_variable[stmt.targets[0].id] = task_id
        elif isinstance(stmt, ast.Expr):
            edges += chain(stmt.value, by_variable)[0]
        else:
            raise DagError(f"line {stmt.lineno}: unsupported statement in the DAG body: {ast.unparse(stmt)[:60]!r}")
    return dag_args, params, tasks, edges


def render(template, params, try_number):
    scope = {"params": SimpleNamespace(**params), "ti": SimpleNamespace(try_number=try_number)}

    def expand(match):
        value = eval(compile(match.group(1).strip(), "<jinja>", "eval"), {"__builtins__": {}}, scope)
        return str(value)

    return TEMPLATE.sub(expand, template).strip()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dag", help="the DAG file")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a DAG param (VALUE as JSON when it parses, else a string)")
    args = parser.parse_args(argv)
    with open(args.dag, encoding="utf-8") as f:
        source = f.read()
    try:
        dag_args, params, tasks, edges = read_dag(source)
        for override in args.param:
            name, _, value = override.partition("=")
            if name not in params:
                raise DagError(f"the DAG has no param {name!r}")
            try:
                params[name] = json.loads(value)
            except ValueError:
                params[name] = value
        for task in tasks:
            task["commands"] = {}
            for try_number in ([1, 2] if task["retries"] > 0 else [1]):
                command = render(task["template"], params, try_number)
                task["commands"][str(try_number)] = {"command": command, "argv": shlex.split(command)}
            del task["template"]
    except (DagError, SyntaxError, NameError, AttributeError) as e:
        print(f"error: {args.dag}: {e}", file=sys.stderr)
        return 2
    json.dump({"dag_id": ast.literal_eval(dag_args["dag_id"]), "params": params, "tasks": tasks, "edges": edges},
              sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
