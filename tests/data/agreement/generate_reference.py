#!/usr/bin/env python3
"""Write reference.json: random coding data with agreement coefficients computed by
independent implementations, for the cross-check test in src/stats/agreement.rs.

Implementations used:
  - Krippendorff's alpha (nominal): the `krippendorff` package (krippendorff.alpha).
  - Cohen's kappa: statsmodels.stats.inter_rater.cohens_kappa on the 2x2..kxk table of
    the units both coders coded.
  - Fleiss' kappa: statsmodels.stats.inter_rater.fleiss_kappa (method "fleiss") on the
    units every coder coded (aggregate_raters gives the subject x category counts).
  - Gwet's AC1: the `irrCAC` package (CAC(...).gwet(), a port of the R package's
    gwet.ac1.raw), checked here against a direct transcription of Gwet's formula.
  - Percent agreement: computed here (share of agreeing pairs of values within units,
    pooled over all units with at least two values).

A coefficient that an implementation reports as undefined (NaN or an exception about
missing variation / pairable values) is written as null.

Setup (not part of the build):
    python3 -m venv /tmp/agree-venv
    /tmp/agree-venv/bin/pip install krippendorff statsmodels irrCAC
    /tmp/agree-venv/bin/python tests/data/agreement/generate_reference.py
"""

import json
import math
import warnings
from importlib.metadata import version
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from irrCAC.raw import CAC
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

SEED = 20_250_611
OUT = Path(__file__).with_name("reference.json")


def undefined_to_none(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def values_of(unit):
    return [v for v in unit if v is not None]


def ref_percent(units):
    agree = total = 0
    for unit in units:
        vals = values_of(unit)
        for a, b in combinations(vals, 2):
            total += 1
            agree += a == b
    return agree / total if total else None


def ref_cohen(units, coders):
    if coders != 2:
        return None
    pairs = [(u[0], u[1]) for u in units if u[0] is not None and u[1] is not None]
    if not pairs:
        return None
    cats = sorted({v for p in pairs for v in p})
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for a, b in pairs:
        table[index[a], index[b]] += 1
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return undefined_to_none(cohens_kappa(table).kappa)


def ref_fleiss(units, coders):
    if coders < 2:
        return None
    complete = [u for u in units if all(v is not None for v in u)]
    if not complete:
        return None
    table, _cats = aggregate_raters(np.array(complete, dtype=np.int64))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return undefined_to_none(fleiss_kappa(table, method="fleiss"))


def ref_alpha(units, coders):
    data = np.array(
        [[np.nan if u[c] is None else float(u[c]) for u in units] for c in range(coders)]
    )
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            a = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError as e:
        # The package refuses data without variation or without pairable values;
        # alpha is undefined there.
        msg = str(e)
        assert "more than one value" in msg or "at least two coders" in msg, msg
        return None
    return undefined_to_none(a)


def ref_ac1_irrcac(units, coders):
    frame = pd.DataFrame(
        [[np.nan if v is None else float(v) for v in u] for u in units],
        columns=[f"c{c}" for c in range(coders)],
    )
    if frame.dropna(how="all").empty:
        return None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        est = CAC(frame, digits=17).gwet()["est"]
    return undefined_to_none(est["coefficient_value"])


def ref_ac1_formula(units):
    """Gwet (2008), multi-rater AC1 with missing ratings, as in Gwet's Handbook: pa over
    units with >= 2 ratings, classification probabilities over units with >= 1 rating,
    q = categories observed."""
    rated = [values_of(u) for u in units if values_of(u)]
    if not rated:
        return None
    cats = sorted({v for vals in rated for v in vals})
    q = len(cats)
    two = [vals for vals in rated if len(vals) >= 2]
    if not two:
        return None
    pa = sum(
        sum(vals.count(c) * (vals.count(c) - 1) for c in cats) / (len(vals) * (len(vals) - 1))
        for vals in two
    ) / len(two)
    if q == 1:
        return 1.0
    pi = [sum(vals.count(c) / len(vals) for vals in rated) / len(rated) for c in cats]
    pe = sum(p * (1 - p) for p in pi) / (q - 1)
    return (pa - pe) / (1 - pe)


def counts(units, coders):
    pairable = [u for u in units if len(values_of(u)) >= 2]
    return {
        "pairable_units": len(pairable),
        "complete_units": sum(1 for u in units if coders > 0 and all(v is not None for v in u)),
        "pairable_values": sum(len(values_of(u)) for u in pairable),
        "positive_units": sum(1 for u in pairable if any(v != 0 for v in values_of(u))),
    }


def random_case(rng, index):
    coders = int(rng.choice([2, 2, 3, 4, 5]))
    categories = int(rng.integers(2, 5))
    n_units = int(rng.integers(5, 61))
    accuracy = float(rng.uniform(0.3, 0.95))
    # Skewed prevalence for some binary-like cases (high-agreement/low-kappa paradox).
    if rng.random() < 0.3:
        prevalence = rng.dirichlet(np.full(categories, 0.3))
    else:
        prevalence = rng.dirichlet(np.full(categories, 2.0))
    p_missing = float(rng.choice([0.0, 0.05, 0.15, 0.3]))
    truth = rng.choice(categories, size=n_units, p=prevalence)
    units = []
    for u in range(n_units):
        row = []
        for _c in range(coders):
            if rng.random() < p_missing:
                row.append(None)
            elif rng.random() < accuracy:
                row.append(int(truth[u]))
            else:
                row.append(int(rng.integers(0, categories)))
        units.append(row)
    # Some coders skip whole documents: a run of consecutive units without their values.
    if rng.random() < 0.4:
        coder = int(rng.integers(0, coders))
        start = int(rng.integers(0, n_units))
        length = int(rng.integers(1, max(2, n_units // 3)))
        for u in range(start, min(n_units, start + length)):
            units[u][coder] = None
    return {"name": f"random-{index:02}", "coders": coders, "units": units}


def fixed_cases():
    return [
        # Every value in one category: alpha, kappa undefined; AC1 = 1 by irrCAC's rule.
        {"name": "one-category", "coders": 3,
         "units": [[0, 0, 0], [0, None, 0], [0, 0, None], [None, None, 0]]},
        # No unit has two values: nothing is pairable.
        {"name": "nothing-pairable", "coders": 2,
         "units": [[1, None], [None, 0], [None, None]]},
        # High prevalence of absence with disagreement on the rare positives.
        {"name": "rare-positive", "coders": 2,
         "units": [[0, 0]] * 40 + [[1, 0], [0, 1], [1, 1]]},
        # A second category only in an unpairable unit.
        {"name": "variation-only-unpairable", "coders": 2,
         "units": [[0, 0], [0, 0], [1, None]]},
        # Large category labels, not 0-based or contiguous.
        {"name": "sparse-labels", "coders": 3,
         "units": [[7, 7, 1000], [1000, 1000, 1000], [42, 7, None], [42, 42, 42], [7, None, 7]]},
    ]


def main():
    rng = np.random.default_rng(SEED)
    cases = fixed_cases() + [random_case(rng, i) for i in range(30)]
    for case in cases:
        units, coders = case["units"], case["coders"]
        ac1 = ref_ac1_irrcac(units, coders)
        ac1_formula = ref_ac1_formula(units)
        assert (ac1 is None) == (ac1_formula is None), (case["name"], ac1, ac1_formula)
        if ac1 is not None:
            assert abs(ac1 - ac1_formula) < 1e-12, (case["name"], ac1, ac1_formula)
        case.update(counts(units, coders))
        case.update(
            {
                "percent": ref_percent(units),
                "cohen": ref_cohen(units, coders),
                "fleiss": ref_fleiss(units, coders),
                "alpha": ref_alpha(units, coders),
                "ac1": ac1,
            }
        )
    doc = {
        "description": "Agreement coefficients from independent implementations; "
        "written by generate_reference.py, do not edit by hand.",
        "seed": SEED,
        "implementations": {
            "krippendorff": version("krippendorff"),
            "statsmodels": version("statsmodels"),
            "irrCAC": version("irrCAC"),
            "numpy": version("numpy"),
        },
        "cases": cases,
    }
    OUT.write_text(render(doc))
    print(f"wrote {len(cases)} cases to {OUT}")


def render(doc):
    """JSON with one case field per line and one unit (row of coder values) per line."""
    dump = json.dumps
    lines = ["{"]
    for key in ("description", "seed", "implementations"):
        lines.append(f"  {dump(key)}: {dump(doc[key])},")
    lines.append('  "cases": [')
    for i, case in enumerate(doc["cases"]):
        lines.append("    {")
        fields = [k for k in case if k != "units"]
        for k in fields:
            lines.append(f"      {dump(k)}: {dump(case[k])},")
        rows = ",\n".join(f"        {dump(u)}" for u in case["units"])
        lines.append(f'      "units": [\n{rows}\n      ]')
        lines.append("    }" + ("," if i + 1 < len(doc["cases"]) else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
