"""Reads what the trainer recorded with MLflow's own Python client (mlflow.MlflowClient), not the platform's REST
client: the model version behind an alias, its run, the run's metrics, and checks the model beats popularity.

  .state/infra/mlflow/venv/bin/python packages/trainer/scripts/check-with-mlflow-python.py \
      --tracking-uri "$MLFLOW_TRACKING_URI" --model recommendation-ranker --alias champion [--min-ratio 2]

Prints one JSON document; exits 1 when model_recall_at_20 < min-ratio x popularity_recall_at_20, 2 on a missing
alias or metric.
"""
import argparse
import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--model", default="recommendation-ranker")
    parser.add_argument("--alias", default="champion")
    parser.add_argument("--min-ratio", type=float, default=2.0)
    args = parser.parse_args()

    client = MlflowClient(tracking_uri=args.tracking_uri, registry_uri=args.tracking_uri)
    try:
        version = client.get_model_version_by_alias(args.model, args.alias)
    except MlflowException as error:
        print(f"{args.model}@{args.alias}: {error.message}", file=sys.stderr)
        return 2
    run = client.get_run(version.run_id)
    metrics = run.data.metrics
    missing = [key for key in ("model_recall_at_20", "popularity_recall_at_20") if key not in metrics]
    if missing:
        print(f"run {run.info.run_id} lacks the metrics {missing}", file=sys.stderr)
        return 2
    model, popularity = metrics["model_recall_at_20"], metrics["popularity_recall_at_20"]
    ratio = model / popularity if popularity else float("inf")
    report = {
        "model": args.model,
        "alias": args.alias,
        "version": version.version,
        "aliases": list(version.aliases),
        "source": version.source,
        "version_tags": dict(version.tags),
        "run_id": run.info.run_id,
        "run_status": run.info.status,
        "params": {key: run.data.params[key] for key in sorted(run.data.params)},
        "metrics": {key: metrics[key] for key in sorted(metrics)},
        "validation_recall_at_20_by_epoch": [
            [m.step, m.value] for m in sorted(client.get_metric_history(run.info.run_id, "validation_recall_at_20"), key=lambda m: m.step)
        ],
        "recall_at_20_ratio": ratio,
        "min_ratio": args.min_ratio,
        "ok": ratio >= args.min_ratio,
    }
    print(json.dumps(report, indent=2, sort_keys=True))
    if not report["ok"]:
        print(f"model recall@20 {model:.4f} is {ratio:.2f}x popularity's {popularity:.4f}, below {args.min_ratio}x", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
