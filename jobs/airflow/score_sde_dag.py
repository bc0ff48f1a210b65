"""score_sde: the whole pipeline as an Airflow DAG, shard -> train -> evaluate -> sample -> report.

Each task runs one score-sde command through a BashOperator. The command prefix is a parameter:
the launcher (`/opt/score-sde/jobs/score-sde`, which takes `--master`) or a spark-submit line for
YARN or Kubernetes, e.g.
  spark-submit --properties-file /opt/score-sde/conf/spark/yarn.conf
    --jars "$(ls /opt/score-sde/lib/deps/*.jar | paste -sd,)" --class org.scoresde.cli.Main /opt/score-sde/lib/score-sde.jar
(then leave `master` empty: the properties file sets it). Paths are anything the cluster reads
(hdfs:, s3a:, a shared mount); every output lands under `output_root`.

Train retries continue from the newest complete checkpoint (`--resume`); a try that failed before
the first checkpoint (train.checkpoint-every rounds) cannot be resumed: its retry ends with
"error: --resume: ... has no complete checkpoint" and the run directory must be removed by hand.
Other tasks are not retried: their outputs are atomic, so rerunning one after a fix is safe.

Trigger with parameters, e.g.
  airflow dags trigger score_sde --conf '{"input": "hdfs:///raw/train-images-idx3-ubyte.gz",
      "labels": "hdfs:///raw/train-labels-idx1-ubyte.gz", "output_root": "hdfs:///runs/fmnist-1"}'
See docs/operations.md.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models.param import Param
from airflow.operators.bash import BashOperator

# Jinja fragments shared by the commands (Airflow renders bash_command with the DAG run's params).
CLI = "{{ params.score_sde }} "
MASTER = "{{ '--master ' + params.master if params.master else '' }} "
COMMON = MASTER + "--seed {{ params.seed }} {{ params.extra_options }} "
DATA = "{{ params.output_root }}/data"
RUN = "{{ params.output_root }}/run"

with DAG(
    dag_id="score_sde",
    description="Shard a dataset, train a score-based diffusion model on Spark, evaluate bits/dim, sample, report",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    max_active_runs=1,
    tags=["score-sde", "spark"],
    params={
        "score_sde": Param("/opt/score-sde/jobs/score-sde", type="string",
                           description="Command prefix: the launcher, or spark-submit ... lib/score-sde.jar"),
        "master": Param("local[*]", type="string",
                        description="Spark master for the launcher (spark://host:7077); empty under spark-submit"),
        "format": Param("idx", enum=["idx", "cifar10", "images", "csv"], description="shard --format"),
        "input": Param("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", type="string",
                       description="The dataset: a file or folder"),
        "labels": Param("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz", type="string",
                        description="IDX labels file (empty for other formats)"),
        "shards": Param(8, type="integer", minimum=1, description="Number of Parquet shards"),
        "output_root": Param("runs/airflow", type="string",
                             description="Everything goes under it: data/, run/ (model, eval/, samples/, report)"),
        "train_minutes": Param(30, type="number", exclusiveMinimum=0, description="Training budget in minutes of wall time"),
        "evaluate_limit": Param(1000, type="integer", minimum=1, description="Evaluate the first N examples"),
        "samples": Param(64, type="integer", minimum=1, description="Number of samples"),
        "sampler": Param("dpm-solver", type="string", description="Sampler (see: score-sde sample --help)"),
        "steps": Param(20, type="integer", minimum=1, description="Sampler time steps"),
        "seed": Param(1, type="integer", description="Run seed"),
        "extra_options": Param("", type="string",
                               description="Extra options for shard/train/evaluate/sample, e.g. --set train.batch-size=64"),
    },
    default_args={"owner": "score-sde", "retries": 0},
) as dag:
    shard = BashOperator(
        task_id="shard",
        bash_command=CLI + "shard " + COMMON + "--format {{ params.format }} --input {{ params.input }} "
        + "{{ '--labels ' + params.labels if params.labels else '' }} --shards {{ params.shards }} --output " + DATA,
    )
    train = BashOperator(
        task_id="train",
        bash_command=CLI + "train " + COMMON + "--data " + DATA + " --out " + RUN
        + " --minutes {{ params.train_minutes }} {{ '--resume' if ti.try_number > 1 else '' }}",
        retries=3,
        retry_delay=timedelta(minutes=2),
    )
    evaluate = BashOperator(
        task_id="evaluate",
        bash_command=CLI + "evaluate " + COMMON + "--model " + RUN + "/model.zip --data " + DATA
        + " --limit {{ params.evaluate_limit }} --out " + RUN + "/eval",
    )
    sample = BashOperator(
        task_id="sample",
        bash_command=CLI + "sample " + COMMON + "--model " + RUN + "/model.zip --n {{ params.samples }} "
        + "--sampler {{ params.sampler }} --steps {{ params.steps }} --trajectory --out " + RUN + "/samples",
    )
    report = BashOperator(
        task_id="report",
        bash_command=CLI + "report --run " + RUN + " --eval " + RUN + "/eval --samples " + RUN + "/samples",
    )

    shard >> train >> evaluate >> sample >> report
