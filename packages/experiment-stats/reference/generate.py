"""Expected values for @platform/experiment-stats, computed by GrowthBook's gbstats.

The TypeScript tests read the JSON this script writes (reference/gbstats-fixture.json);
nothing in it comes from the TypeScript code. Rerun it only to add or change a case,
and commit the script and the JSON together.

Pinned reference: gbstats==0.8.0 (the newest release on PyPI when this was written),
run with scipy 1.18.1, numpy 2.5.5, pydantic 2.14.4 on CPython 3.13.0.

gbstats 0.8.0 declares numpy<2 and pandas<2, which have no wheels for CPython 3.13.
The modules used here (frequentist/tests.py, bayesian/tests.py, models/statistics.py,
utils.check_srm) import only numpy, scipy and pydantic, never pandas, so gbstats is
installed without its declared dependencies, next to current binary wheels:

    python3.13 -m venv /tmp/gbstats-venv
    /tmp/gbstats-venv/bin/pip install --only-binary=:all: numpy scipy pydantic packaging
    /tmp/gbstats-venv/bin/pip install --no-deps gbstats==0.8.0
    /tmp/gbstats-venv/bin/python packages/experiment-stats/reference/generate.py
    node_modules/.bin/prettier --write packages/experiment-stats/reference/gbstats-fixture.json

(use a scratch venv; the project's .state/python venv is not involved.)
"""

import importlib.metadata
import json
import math
import platform
from pathlib import Path

import scipy.stats
from gbstats.bayesian.tests import (
    EffectBayesianABTest,
    EffectBayesianConfig,
    GaussianPrior,
)
from gbstats.frequentist.tests import FrequentistConfig, TwoSidedTTest
from gbstats.models.statistics import ProportionStatistic, SampleMeanStatistic
from gbstats.utils import check_srm

OUT = Path(__file__).with_name("gbstats-fixture.json")


def mean_stats(n: int, mean: float, sd: float) -> dict:
    """Sufficient statistics (sum, sum of squares) of n values with this mean and sd."""
    total = n * mean
    sum_squares = (n - 1) * sd * sd + (total * total / n if n else 0.0)
    return {"sum": total, "sumSquares": sum_squares}


def variant(key, weight, users, metrics):
    return {"key": key, "weight": weight, "users": users, "metrics": metrics}


CONVERSION = {"key": "conversion", "kind": "proportion"}
REVENUE = {"key": "revenue", "kind": "mean"}

CASES = [
    {
        "name": "small-sample-positive-proportion",
        "description": "100 users a variant, 10 vs 15 converters: +50% observed, not significant",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION],
            "variants": [
                variant("control", 0.5, 100, {"conversion": {"successes": 10}}),
                variant("treatment", 0.5, 100, {"conversion": {"successes": 15}}),
            ],
        },
    },
    {
        "name": "large-sample-positive-proportion",
        "description": "50,000 users a variant, conversion 2.00% vs 2.30%: significant lift",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION],
            "variants": [
                variant("control", 0.5, 50000, {"conversion": {"successes": 1000}}),
                variant("treatment", 0.5, 50000, {"conversion": {"successes": 1150}}),
            ],
        },
    },
    {
        "name": "negative-lift-revenue",
        "description": "revenue per user 12.50 vs 11.40 (sd 30 and 28), 4,000 users a variant; "
        "with a lower-is-better cost metric next to it",
        "input": {
            "controlKey": "control",
            "metrics": [
                REVENUE,
                {"key": "support_cost", "kind": "mean", "higherIsBetter": False},
            ],
            "variants": [
                variant(
                    "control",
                    0.5,
                    4000,
                    {
                        "revenue": mean_stats(4000, 12.5, 30.0),
                        "support_cost": mean_stats(4000, 2.0, 5.0),
                    },
                ),
                variant(
                    "treatment",
                    0.5,
                    4000,
                    {
                        "revenue": mean_stats(4000, 11.4, 28.0),
                        "support_cost": mean_stats(4000, 1.8, 4.6),
                    },
                ),
            ],
        },
    },
    {
        "name": "no-lift",
        "description": "identical statistics in both variants: lift 0, p-value 1, chance 0.5",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION, REVENUE],
            "variants": [
                variant(
                    "control",
                    0.5,
                    8000,
                    {
                        "conversion": {"successes": 640},
                        "revenue": mean_stats(8000, 9.0, 20.0),
                    },
                ),
                variant(
                    "treatment",
                    0.5,
                    8000,
                    {
                        "conversion": {"successes": 640},
                        "revenue": mean_stats(8000, 9.0, 20.0),
                    },
                ),
            ],
        },
    },
    {
        "name": "sample-ratio-mismatch",
        "description": "50/50 weights but 10,000 vs 10,600 users: SRM p far below 0.001",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION],
            "variants": [
                variant("control", 0.5, 10000, {"conversion": {"successes": 500}}),
                variant("treatment", 0.5, 10600, {"conversion": {"successes": 540}}),
            ],
        },
    },
    {
        "name": "unequal-weights-three-variants",
        "description": "weights 50/25/25 (given as percentages), two treatments, a proportion "
        "and a mean metric, traffic in line with the weights",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION, REVENUE],
            "variants": [
                variant(
                    "control",
                    50,
                    20130,
                    {
                        "conversion": {"successes": 1812},
                        "revenue": mean_stats(20130, 4.2, 11.0),
                    },
                ),
                variant(
                    "b",
                    25,
                    9985,
                    {
                        "conversion": {"successes": 952},
                        "revenue": mean_stats(9985, 4.45, 11.8),
                    },
                ),
                variant(
                    "c",
                    25,
                    10041,
                    {
                        "conversion": {"successes": 870},
                        "revenue": mean_stats(10041, 4.05, 10.5),
                    },
                ),
            ],
        },
    },
    {
        "name": "tiny-sample-mean",
        "description": "12 vs 9 users of a mean metric with unequal variances: Welch degrees of "
        "freedom near 13, where t and normal quantiles differ",
        "input": {
            "controlKey": "control",
            "metrics": [REVENUE],
            "variants": [
                variant("control", 0.5, 12, {"revenue": mean_stats(12, 20.0, 6.0)}),
                variant("treatment", 0.5, 9, {"revenue": mean_stats(9, 26.0, 11.0)}),
            ],
        },
    },
    {
        "name": "strong-effect-tiny-p-value",
        "description": "200,000 users a variant, CTR 5.0% vs 6.0% on exposures: p-value far in the tail",
        "input": {
            "controlKey": "control",
            "metrics": [{"key": "ctr", "kind": "proportion"}],
            "variants": [
                variant("control", 0.5, 200000, {"ctr": {"successes": 30000, "trials": 600000}}),
                variant("treatment", 0.5, 200000, {"ctr": {"successes": 36000, "trials": 600000}}),
            ],
        },
    },
    {
        "name": "proper-prior-and-90-percent-intervals",
        "description": "the small-sample case again with a proper N(0, 0.3^2) prior on the lift "
        "and alpha 0.1: the prior pulls the posterior towards 0",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION],
            "variants": [
                variant("control", 0.5, 100, {"conversion": {"successes": 10}}),
                variant("treatment", 0.5, 100, {"conversion": {"successes": 15}}),
            ],
            "options": {"alpha": 0.1, "prior": {"mean": 0.0, "variance": 0.09}},
        },
    },
    {
        "name": "edge-zero-variance-and-empty",
        "description": "a baseline with no converters, a treatment with no users, a mean metric "
        "whose every value is equal: gbstats declines each comparison",
        "input": {
            "controlKey": "control",
            "metrics": [CONVERSION, REVENUE],
            "variants": [
                variant(
                    "control",
                    1,
                    500,
                    {
                        "conversion": {"successes": 0},
                        "revenue": {"sum": 2500.0, "sumSquares": 12500.0},
                    },
                ),
                variant(
                    "empty",
                    1,
                    0,
                    {"conversion": {"successes": 0}, "revenue": {"sum": 0.0, "sumSquares": 0.0}},
                ),
                variant(
                    "treatment",
                    1,
                    480,
                    {
                        "conversion": {"successes": 12},
                        "revenue": mean_stats(480, 5.5, 2.0),
                    },
                ),
            ],
        },
    },
]


def statistic(metric: dict, v: dict):
    data = v["metrics"][metric["key"]]
    if metric["kind"] == "proportion":
        return ProportionStatistic(n=int(data.get("trials", v["users"])), sum=data["successes"])
    return SampleMeanStatistic(
        n=int(data.get("n", v["users"])), sum=data["sum"], sum_squares=data["sumSquares"]
    )


def finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def compare(metric: dict, a, b, options: dict) -> dict:
    inverse = not metric.get("higherIsBetter", True)
    alpha = options.get("alpha", 0.05)
    bayes_config = EffectBayesianConfig(inverse=inverse, alpha=alpha)
    if "prior" in options:
        prior = options["prior"]
        bayes_config = EffectBayesianConfig(
            inverse=inverse,
            alpha=alpha,
            prior_effect=GaussianPrior(
                mean=prior["mean"], variance=prior["variance"], proper=True
            ),
        )
    freq = TwoSidedTTest(a, b, FrequentistConfig(alpha=alpha)).compute_result()
    bayes = EffectBayesianABTest(a, b, bayes_config).compute_result()
    out = {
        "frequentist": {
            "errorMessage": freq.error_message,
            "lift": finite(freq.expected),
            "stdErr": finite(freq.uplift.stddev),
            "ciLower": finite(freq.ci[0]),
            "ciUpper": finite(freq.ci[1]),
            "pValue": finite(freq.p_value),
        },
        "bayesian": {
            "errorMessage": bayes.error_message,
            "chanceToWin": finite(bayes.chance_to_win),
            "riskControl": finite(bayes.risk[0]),
            "riskTreatment": finite(bayes.risk[1]),
            "ciLower": finite(bayes.ci[0]),
            "ciUpper": finite(bayes.ci[1]),
        },
    }
    if freq.error_message is None:
        t_test = TwoSidedTTest(a, b, FrequentistConfig(alpha=alpha))
        dof = float(t_test.dof)
        out["frequentist"]["degreesOfFreedom"] = dof
        out["frequentist"]["tStatistic"] = float(t_test.critical_value)
        # gbstats returns 2 * (1 - cdf), which rounds to 0 below ~1e-16; scipy's survival
        # function keeps the tail, and is what the TypeScript engine computes.
        out["frequentist"]["pValueSf"] = float(
            2 * scipy.stats.t.sf(abs(t_test.critical_value), dof)
        )
    return out


def expected_for(case: dict) -> dict:
    inp = case["input"]
    variants = inp["variants"]
    control = next(v for v in variants if v["key"] == inp["controlKey"])
    users = [v["users"] for v in variants]
    weights = [float(v["weight"]) for v in variants]
    total, total_weight = sum(users), sum(weights)
    chi_square = sum(
        (o - w / total_weight * total) ** 2 / (w / total_weight * total)
        for o, w in zip(users, weights)
        if w > 0 and total > 0
    )
    srm = {"pValue": float(check_srm(users, weights)), "chiSquare": float(chi_square)}
    if all(w > 0 for w in weights) and total > 0:
        # an independent implementation of the same test, as a cross-check of gbstats
        srm["pValueScipyChisquare"] = float(
            scipy.stats.chisquare(users, [w / total_weight * total for w in weights]).pvalue
        )

    metrics = {}
    for metric in inp["metrics"]:
        per_variant = {}
        a = statistic(metric, control)
        for v in variants:
            b = statistic(metric, v)
            entry = {"n": b.n, "mean": finite(b.mean), "variance": finite(b.variance)}
            if v["key"] != control["key"]:
                entry.update(compare(metric, a, b, inp.get("options", {})))
            per_variant[v["key"]] = entry
        metrics[metric["key"]] = per_variant
    return {"srm": srm, "metrics": metrics}


def main() -> None:
    fixture = {
        "generatedBy": "packages/experiment-stats/reference/generate.py",
        "versions": {
            "python": platform.python_version(),
            **{
                pkg: importlib.metadata.version(pkg)
                for pkg in ("gbstats", "scipy", "numpy", "pydantic")
            },
        },
        "settings": {
            "alpha": "0.05 unless a case's input.options.alpha says otherwise",
            "frequentist": "gbstats TwoSidedTTest, difference_type=relative",
            "bayesian": "gbstats EffectBayesianABTest, default GaussianPrior(mean=0, variance=1, "
            "proper=False) unless a case's input.options.prior gives a proper prior",
        },
        "cases": [{**case, "expected": expected_for(case)} for case in CASES],
    }
    OUT.write_text(json.dumps(fixture, indent=2) + "\n")
    print(f"wrote {OUT} ({len(CASES)} cases)")


if __name__ == "__main__":
    main()
