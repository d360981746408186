"""The comparison's measures, sums, shares and means with hidden and missing values (issue 18).

Small key-figure files read by `compare.parse`, so each figure below is counted by
hand: a rate is a ratio, the county's rate a ratio of sums, a sum that includes a
hidden count only a lower bound, a mean with a hidden value hidden, a figure a file
lacks missing (never 0).
"""

from __future__ import annotations

import pytest
from keyfigures import text

from pipeline.comparison import measures as compare
from pipeline.comparison import reading
from pipeline.comparison.measures import Band
from pipeline.comparison.targets import Target
from pipeline.comparison.value import HIDDEN, MISSING_VALUE, Value
from pipeline.contract import comparison as comparison_layout
from pipeline.contract import schema as contract
from pipeline.contract.comparison import Better, measure

YEAR = 2024
KON = next(g for g in comparison_layout.share_groups() if g.dimension == "kon")
REMITTENT = next(g for g in comparison_layout.share_groups() if g.dimension == "remittent")


def _figures(**named) -> dict:
    """Figures by name; `kon_Man` is ('arenden_inkomna', 'kon', 'Man'); None is hidden."""
    values = {}
    for name, value in named.items():
        if name.startswith(("kon_", "remittent_", "foljsamhet_")):
            dimension, kategori = name.split("_", 1)
            nyckeltal = (
                "klienter_med_uppfoljning" if dimension == "foljsamhet" else "arenden_inkomna"
            )
            values[(nyckeltal, dimension, kategori)] = value
        else:
            values[(name, "", "")] = value
    return values


def _comparison(files: dict[str, dict], years=(YEAR,)) -> reading.Comparison:
    """The files as `make compare` reads them: {namn: figures} or {(namn, year): figures}."""
    values = {}
    for key, figures in files.items():
        namn, year = key if isinstance(key, tuple) else (key, years[-1])
        values |= reading.parse(text(namn, year, figures).encode()).values
    return reading.Comparison(years[-1], list(years), values, [])


HABO = _figures(
    invanare=15000,
    arenden_inkomna=30,
    far_inkomna=18,
    forsta_samtal=30,
    uppfoljande_samtal=60,
    uteblivna_samtal=10,
    arenden_med_forsta_samtal=24,
    forsta_samtal_inom_30_dagar=21,
    vantetid_dagar_median=12.5,
    kon_Kvinna=12,
    kon_Man=18,
    **{"kon_Annat/uppger ej": 0},
    remittent_Vårdcentral=6,
    **{"remittent_Förening/civilsamhälle": 2, "remittent_Kommunal verksamhet": 0},
    remittent_Annan=2,
    klienter_med_uppfoljning=10,
    foljsamhet_Ja=6,
    foljsamhet_Delvis=0,
    foljsamhet_Nej=4,
    **{"foljsamhet_uppgift saknas": 0},
)


def _aneby(**changes) -> dict:
    """A smaller municipality; `changes` by the names of _figures (None hides)."""
    figures = _figures(
        invanare=5000,
        arenden_inkomna=20,
        far_inkomna=5,
        forsta_samtal=10,
        uppfoljande_samtal=10,
        uteblivna_samtal=5,
        arenden_med_forsta_samtal=10,
        forsta_samtal_inom_30_dagar=4,
        vantetid_dagar_median=20,
        kon_Kvinna=14,
        kon_Man=6,
        **{"kon_Annat/uppger ej": 0},
        klienter_med_uppfoljning=6,
        foljsamhet_Ja=2,
        foljsamhet_Delvis=2,
        foljsamhet_Nej=2,
        **{"foljsamhet_uppgift saknas": 0},
    )
    return figures | _figures(**changes)


def _value(comparison, namn, measure_id) -> Value:
    return compare.measure_value(comparison, contract.kommun(namn).kod, measure(measure_id))


def _share(comparison, kod, group, kategori) -> Value:
    """A breakdown category's share, which is a measure like the others."""
    return compare.measure_value(comparison, kod, group.measure(kategori))


def _county_share(comparison, group, kategori) -> Value:
    return compare.county_measure(comparison, group.measure(kategori))


# --- one municipality ------------------------------------------------------------------


def test_rates_and_shares_of_one_municipality():
    both = _comparison({"Habo": HABO})
    assert _value(both, "Habo", "arenden_per_1000") == Value(2.0)  # 30 / 15 000 × 1 000
    assert _value(both, "Habo", "far_per_1000") == Value(1.2)
    assert _value(both, "Habo", "andel_med_forsta_samtal") == Value(80.0)  # 24 / 30
    assert _value(both, "Habo", "andel_inom_30_dagar") == Value(70.0)  # 21 / 30
    assert _value(both, "Habo", "andel_uteblivna") == Value(10.0)  # 10 / (10 + 30 + 60)
    assert _value(both, "Habo", "andel_foljer_planen") == Value(60.0)  # 6 / (6 + 0 + 4)
    assert _value(both, "Habo", "vantetid_dagar_median") == Value(12.5)


def test_a_measure_on_a_hidden_count_is_hidden_and_on_a_missing_one_missing():
    hidden = _comparison({"Aneby": _aneby(foljsamhet_Delvis=None)})
    assert _value(hidden, "Aneby", "andel_foljer_planen") == HIDDEN  # in the denominator
    numerator = _comparison({"Aneby": _aneby(foljsamhet_Ja=None)})
    assert _value(numerator, "Aneby", "andel_foljer_planen") == HIDDEN
    lacking = _aneby()
    del lacking[("uppfoljande_samtal", "", "")]
    missing = _comparison({"Aneby": lacking})
    assert _value(missing, "Aneby", "andel_uteblivna") == MISSING_VALUE
    assert _value(missing, "Aneby", "andel_inom_30_dagar") == Value(20.0)  # the others stay
    # A missing figure beside a hidden one: missing (the file lacks it), not hidden.
    both = _aneby(foljsamhet_Delvis=None)
    del both[("klienter_med_uppfoljning", "foljsamhet", "Nej")]
    assert _value(_comparison({"Aneby": both}), "Aneby", "andel_foljer_planen") == MISSING_VALUE


def test_zero_is_a_value_and_a_zero_denominator_is_no_value():
    zero = _comparison({"Aneby": _aneby(forsta_samtal=0, foljsamhet_Ja=0)})
    assert _value(zero, "Aneby", "forsta_samtal_per_1000") == Value(0.0)
    assert _value(zero, "Aneby", "andel_foljer_planen") == Value(0.0)
    nobody = _aneby(foljsamhet_Ja=0, foljsamhet_Delvis=0, foljsamhet_Nej=0)
    assert _value(_comparison({"Aneby": nobody}), "Aneby", "andel_foljer_planen") == MISSING_VALUE
    assert _value(_comparison({"Aneby": _aneby(invanare=0)}), "Aneby", "arenden_per_1000") == (
        MISSING_VALUE
    )


def test_shares_of_a_breakdown():
    both = _comparison({"Habo": HABO, "Aneby": _aneby(kon_Man=None)})
    habo, aneby = contract.kommun("Habo").kod, contract.kommun("Aneby").kod
    assert _share(both, habo, KON, "Kvinna") == Value(40.0)  # 12 of 30
    assert _share(both, habo, KON, "Annat/uppger ej") == Value(0.0)
    assert _share(both, aneby, KON, "Man") == HIDDEN
    assert _share(both, aneby, KON, "Kvinna") == Value(70.0)  # 14 of 20, total shown
    # Remittent has no total of its own: its categories' sum (FaR and Remiss only).
    assert _share(both, habo, REMITTENT, "Vårdcentral") == Value(60.0)  # 6 of 10
    assert _share(both, aneby, REMITTENT, "Vårdcentral") == MISSING_VALUE


def test_a_share_without_its_total_uses_the_sum_of_its_categories():
    lacking = dict(HABO)
    del lacking[("arenden_inkomna", "", "")]
    habo = _comparison({"Habo": lacking})
    assert _share(habo, contract.kommun("Habo").kod, KON, "Man") == Value(60.0)  # 18 / 30
    lacking[("arenden_inkomna", "kon", "Annat/uppger ej")] = None
    hidden = _comparison({"Habo": lacking})
    assert _share(hidden, contract.kommun("Habo").kod, KON, "Man") == HIDDEN


# --- the county --------------------------------------------------------------------------


def test_county_sums_exact_only_without_hidden_counts():
    both = _comparison({"Habo": HABO, "Aneby": _aneby(kon_Man=None)})
    total = compare.county_sum(both, ("arenden_inkomna", "", ""))
    assert total == Value(50) and total.exact
    man = compare.county_sum(both, ("arenden_inkomna", "kon", "Man"))
    assert man == Value(18, at_least=True)  # ≥ 18: Aneby's hidden count may be 0 or more
    assert not man.exact
    assert compare.county_sum(both, ("avbojda", "", "")) == MISSING_VALUE  # neither file has it
    lacking = _aneby()
    del lacking[("far_inkomna", "", "")]
    one_lacks = _comparison({"Habo": HABO, "Aneby": lacking})
    assert compare.county_sum(one_lacks, ("far_inkomna", "", "")) == MISSING_VALUE
    nobody = reading.Comparison(YEAR, [YEAR], {}, [])
    assert compare.county_sum(nobody, ("arenden_inkomna", "", "")) == MISSING_VALUE


def test_county_measures_are_ratios_of_sums():
    both = _comparison({"Habo": HABO, "Aneby": _aneby()})
    county = compare.county_measure
    assert county(both, measure("arenden_per_1000")) == Value(2.5)  # 50 / 20 000, not (2 + 4) / 2
    assert county(both, measure("andel_uteblivna")) == Value(12.0)  # 15 / (15 + 40 + 70)
    assert county(both, measure("andel_foljer_planen")) == Value(50.0)  # 8 / (10 + 6)
    assert county(both, measure("vantetid_dagar_median")) == MISSING_VALUE  # no median of medians
    hidden = _comparison({"Habo": HABO, "Aneby": _aneby(foljsamhet_Ja=None)})
    assert county(hidden, measure("arenden_per_1000")) == Value(2.5)


def test_the_county_share_of_a_measure_is_a_bound_where_a_count_is_hidden():
    """Issue 20: 'följer planen' for the county was '..' as soon as one municipality hid a
    count. A hidden count is at least 0 and at most what its breakdown's total
    (klienter_med_uppfoljning) leaves over; the least the share can be is shown as '≥'."""
    county = compare.county_measure
    planen = measure("andel_foljer_planen")
    # Aneby hides Ja; its total is 6 and Delvis + Nej + uppgift saknas = 4, so Ja ≤ 2.
    # Least: Ja = 0, i.e. (6 + 0) / ((6 + 0 + 4) + (0 + 2 + 2)) = 6 / 14.
    numerator = _comparison({"Habo": HABO, "Aneby": _aneby(foljsamhet_Ja=None)})
    assert county(numerator, planen) == Value(6 / 14 * 100, at_least=True)
    # Aneby hides Nej (≤ 2): least with Nej = 2, (6 + 2) / (10 + 2 + 2 + 2) = 8 / 16.
    denominator = _comparison({"Habo": HABO, "Aneby": _aneby(foljsamhet_Nej=None)})
    assert county(denominator, planen) == Value(50.0, at_least=True)
    # Without the total nothing bounds the hidden count: no bound, hidden.
    no_total = _aneby(foljsamhet_Nej=None)
    del no_total[("klienter_med_uppfoljning", "", "")]
    assert county(_comparison({"Habo": HABO, "Aneby": no_total}), planen) == HIDDEN
    # Only "≥ 0" would be left: hidden, not a bound that says nothing.
    nobody = _comparison({"Aneby": _aneby(foljsamhet_Ja=None)})
    assert county(nobody, planen) == HIDDEN
    # Remittent has no total in the layout: a hidden category there bounds nothing.
    remittent = _comparison({"Habo": HABO | _figures(remittent_Annan=None)})
    assert _county_share(remittent, REMITTENT, "Vårdcentral") == HIDDEN
    # The numerator's and denominator's sums say the same: bounds where a count is hidden.
    assert compare.county_numerator(numerator, planen) == Value(6, at_least=True)
    assert compare.county_denominator(denominator, planen) == Value(14, at_least=True)
    assert compare.county_denominator(_comparison({"Habo": HABO}), planen) == Value(10)


def test_county_share_is_a_lower_bound_with_a_hidden_count():
    both = _comparison({"Habo": HABO, "Aneby": _aneby(kon_Man=None)})
    assert _county_share(both, KON, "Man") == Value(36.0, at_least=True)  # ≥ 18 / 50
    assert _county_share(both, KON, "Kvinna") == Value(52.0)  # 26 / 50
    assert _county_share(both, REMITTENT, "Vårdcentral") == MISSING_VALUE  # Aneby lacks
    nobody = reading.Comparison(YEAR, [YEAR], {}, [])
    assert _county_share(nobody, KON, "Man") == MISSING_VALUE


def test_the_unweighted_mean_is_hidden_when_one_value_is():
    both = _comparison({"Habo": HABO, "Aneby": _aneby()})
    values = [_value(both, n, "arenden_per_1000") for n in ("Habo", "Aneby")]
    assert compare.mean(values) == Value(3.0)  # (2 + 4) / 2
    hidden = _comparison({"Habo": HABO, "Aneby": _aneby(foljsamhet_Ja=None)})
    shares = [_value(hidden, n, "andel_foljer_planen") for n in ("Habo", "Aneby")]
    assert shares[0] == Value(60.0)
    assert compare.mean(shares) == HIDDEN
    assert compare.mean([Value(2.0), MISSING_VALUE, Value(5.0)]) == Value(3.5)  # missing left out
    assert compare.mean([MISSING_VALUE]) == MISSING_VALUE
    assert compare.mean([]) == MISSING_VALUE


def test_exact_means_a_number_that_is_neither_hidden_nor_a_bound():
    assert Value(0).exact and Value(2.5).exact
    assert not Value(2.5, at_least=True).exact
    assert not HIDDEN.exact and not MISSING_VALUE.exact


# --- the county's population and the sum row's label --------------------------------------


def _everyone(inhabitants: dict[str, dict[int, int]]) -> reading.Comparison:
    """All 13 municipalities, with the inhabitants given per year (others: 10 000 in 2023)."""
    files = {}
    for kommun in contract.kommuner():
        for year, people in inhabitants.get(kommun.namn, {2023: 10000}).items():
            files[(kommun.namn, year)] = _figures(invanare=people, arenden_inkomna=1)
    return _comparison(files, years=(2022, 2023, 2024))


def test_county_population_takes_each_municipalitys_nearest_year():
    # Habo has 2022 and 2024, both one year from 2023: the later one counts. Aneby only 2022.
    comparison = _everyone({"Habo": {2022: 12000, 2024: 13000}, "Aneby": {2022: 7000}})
    assert compare.county_population(comparison, 2023) == 11 * 10000 + 13000 + 7000
    assert compare.county_population(comparison, 2022) == 11 * 10000 + 12000 + 7000
    # Eksjö without any figure: the county's population is unknown, not a partial sum.
    del comparison.values[(contract.kommun("Eksjö").kod, 2023)]
    assert compare.county_population(comparison, 2023) is None


def test_the_sum_row_says_how_much_of_the_county_it_covers():
    comparison = _everyone({"Jönköping": {2023: 70000}, "Habo": {2024: 5000}})
    # 2023: 12 files (Habo has only 2024) with 11 × 10 000 + 70 000 of 185 000 inhabitants.
    assert compare.coverage_label(comparison, 2023) == (
        "Summa, 12 av 13 kommuner, 97 % av länets invånare"
    )
    assert (
        compare.coverage_label(comparison, 2024)
        == "Summa, 1 av 13 kommuner, 3 % av länets invånare"
    )
    # Aneby's 2023 file lacks Invånare: the county is known (from 2022), the share is not.
    comparison = _everyone({"Aneby": {2022: 7000, 2023: 7000}})
    del comparison.values[(contract.kommun("Aneby").kod, 2023)][("invanare", "", "")]
    assert compare.county_population(comparison, 2023) == 12 * 10000 + 7000
    assert compare.coverage_label(comparison, 2023) == "Summa, 13 av 13 kommuner"


# --- targets and the trend ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("battre", "value", "status"),
    [
        ("högre", -10, "uppnått"),
        ("högre", -11, "nära"),  # 10 % of a negative target is still a band of 1
        ("högre", -11.5, "ej uppnått"),
        ("lägre", -10, "uppnått"),
        ("lägre", -9, "nära"),
        ("lägre", -8.5, "ej uppnått"),
    ],
)
def test_target_band_of_a_negative_target(battre, value, status):
    assert Target("andel_inom_30_dagar", -10, Better(battre)).status(Value(value)) == status


def test_change_from_last_year_only_between_exact_values():
    assert compare.change([Value(1.0), Value(2.0), Value(7.5)]) == Value(5.5)
    assert compare.change([Value(7.5)]) == MISSING_VALUE
    assert compare.change([HIDDEN, Value(7.5)]) == MISSING_VALUE
    assert compare.change([Value(2.0), Value(7.5, at_least=True)]) == MISSING_VALUE
    assert compare.change([Value(2.0), MISSING_VALUE]) == MISSING_VALUE


# --- the spread and the rank ------------------------------------------------------------


def test_the_spread_beside_the_mean_leaves_missing_out_and_hides_with_a_hidden_value():
    values = [Value(4.0), Value(1.0), MISSING_VALUE, Value(10.0), Value(3.0)]
    assert compare.spread(values) == (Value(4.5), Value(1.0), Value(3.5), Value(10.0))
    assert compare.spread([Value(2.0), HIDDEN, Value(5.0)]) == (HIDDEN,) * 4
    assert compare.spread([MISSING_VALUE]) == (MISSING_VALUE,) * 4
    assert compare.spread([Value(2.0), Value(1.0), Value(6.0)])[2] == Value(2.0)  # odd: middle


def test_ranks_follow_the_better_direction_and_equal_values_share_a_rank():
    values = {k: Value(v) for k, v in zip("abcdefgh", (5, 3, 9, 3, 1, 7, 8, 2), strict=True)}
    values |= {"x": HIDDEN, "y": MISSING_VALUE, "z": Value(4, at_least=True)}
    higher = compare.ranks(values, Better.HIGHER)
    assert {k: r for k, (r, _) in higher.items()} == {
        "c": 1, "g": 2, "f": 3, "a": 4, "b": 5, "d": 5, "h": 7, "e": 8
    }  # fmt: skip
    assert set(higher) == set("abcdefgh")  # hidden, missing and bounds get no rank
    # Eight values: the best two, the worst two, the rest in the middle.
    bands = {k: b for k, (_, b) in higher.items()}
    assert [k for k, b in bands.items() if b == Band.TOP] == ["c", "g"]
    assert sorted(k for k, b in bands.items() if b == Band.BOTTOM) == ["e", "h"]
    lower = compare.ranks(values, Better.LOWER)
    assert lower["e"] == (1, Band.TOP) and lower["c"] == (8, Band.BOTTOM)
    assert compare.ranks(values, Better.NEITHER) == higher  # the highest first
    # Ties at a quarter's edge stay together; all equal is the middle, not both ends.
    tied = {k: Value(v) for k, v in zip("abcd", (1, 1, 1, 2), strict=True)}
    assert compare.ranks(tied, Better.HIGHER) == {
        "d": (1, Band.TOP), "a": (2, Band.BOTTOM), "b": (2, Band.BOTTOM), "c": (2, Band.BOTTOM)
    }  # fmt: skip
    same = {k: Value(3) for k in "abcd"}
    assert {b for _, b in compare.ranks(same, Better.HIGHER).values()} == {Band.MIDDLE}
    # Fewer than four values: ranks, but no quarters.
    few = compare.ranks({"a": Value(1), "b": Value(2), "c": Value(3)}, Better.HIGHER)
    assert few == {"a": (3, None), "b": (2, None), "c": (1, None)}


# --- measures the layout does not have, and the table -------------------------------------

JA = ("klienter_med_uppfoljning", "foljsamhet", "Ja")
MATVANOR = ("aktiviteter", "fokusomrade", "Matvanor")


def _measure(**fields) -> comparison_layout.Measure:
    return comparison_layout.Measure(id="prov", rubrik="Prov", kort="Prov", definition="", **fields)


def test_a_denominator_falls_back_when_any_of_its_figures_is_missing():
    """A share's denominator is its breakdown's total, or (a file without it) the sum of its
    categories: one missing figure of the total is enough to fall back."""
    two = _measure(
        taljare=(("far_inkomna", "", ""),),
        namnare=(("arenden_inkomna", "", ""), ("avbojda", "", "")),  # avbojda: not in the file
        namnare_reserv=(("forsta_samtal", "", ""),),
        skala=100,
    )
    habo = _comparison({"Habo": HABO})
    assert compare.measure_value(habo, "0643", two) == Value(60.0)  # 18 / 30 (forsta_samtal)


def test_the_county_without_a_numerator_or_denominator_says_missing():
    median = measure("vantetid_dagar_median")
    both = _comparison({"Habo": HABO, "Aneby": _aneby()})
    assert compare.county_numerator(both, median) == MISSING_VALUE  # a median has none
    assert compare.county_denominator(both, median) == Value(34)  # its bases: 24 + 10
    bare = _measure(varde=("vantetid_dagar_median", "", ""))
    assert compare.county_denominator(both, bare) == MISSING_VALUE
    lacking = _aneby()
    del lacking[("uppfoljande_samtal", "", "")]  # one of the three in the denominator
    one_lacks = _comparison({"Habo": HABO, "Aneby": lacking})
    assert compare.county_measure(one_lacks, measure("andel_uteblivna")) == MISSING_VALUE


def test_a_hidden_count_outside_a_breakdown_with_a_total_bounds_nothing():
    hidden = _figures(arenden_inkomna=30) | {MATVANOR: None}
    ratio = _measure(taljare=(MATVANOR,), namnare=(("arenden_inkomna", "", ""),), skala=100)
    assert compare.county_measure(_comparison({"Habo": hidden}), ratio) == HIDDEN


def test_a_rate_over_a_hidden_count_is_bounded_by_the_largest_denominator():
    """Numerator apart from the denominator: the least ratio takes the denominator at its
    most, what its breakdown's total leaves over added to the visible counts."""
    rate = _measure(taljare=(("arenden_inkomna", "", ""),), namnare=(JA,), skala=1)
    aneby = _aneby(foljsamhet_Ja=None)  # Ja ≤ 6 − (2 + 2 + 0) = 2
    assert compare.county_measure(_comparison({"Aneby": aneby}), rate) == Value(10.0, at_least=True)


def test_ties_are_judged_on_nine_decimals_and_twelve_values_make_quarters_of_three():
    twelve = {f"k{n:02}": Value(float(n)) for n in range(12)}
    bands = {k: b for k, (_, b) in compare.ranks(twelve, Better.HIGHER).items()}
    assert sorted(k for k, b in bands.items() if b == Band.TOP) == ["k09", "k10", "k11"]
    assert sorted(k for k, b in bands.items() if b == Band.BOTTOM) == ["k00", "k01", "k02"]
    # 0.7 × 100 is 70.00000000000001: the same value, computed another way, shares a rank.
    close = {"a": Value(0.7 * 100), "b": Value(70.0000000004), "c": Value(70.000000002)}
    assert compare.ranks(close, Better.HIGHER) == {"c": (1, None), "a": (2, None), "b": (2, None)}


def test_the_table_marks_small_bases_counts_values_and_knows_the_people():
    """A denominator of 19 is a small base and 20 is not, for a municipality and the county;
    the summary counts the municipalities with a value; the county's people are known only
    when every file with figures has them."""
    from pipeline.comparison import table

    nineteen = _aneby(foljsamhet_Ja=15, foljsamhet_Delvis=2, foljsamhet_Nej=2)
    twenty = HABO | _figures(foljsamhet_Ja=10, foljsamhet_Delvis=5, foljsamhet_Nej=5)
    built = table.build(_comparison({"Aneby": nineteen, "Habo": twenty}))
    assert built.cell("0604", "andel_foljer_planen").small_base
    assert not built.cell("0643", "andel_foljer_planen").small_base
    summary = built.summary("andel_foljer_planen")
    assert summary.denominator == Value(39) and not summary.small_base and summary.count == 2
    assert not table.build(_comparison({"Habo": twenty})).summary("andel_foljer_planen").small_base
    alone = table.build(_comparison({"Aneby": nineteen}))
    assert alone.summary("andel_foljer_planen").small_base
    assert alone.summary("andel_foljer_planen").count == 1
    none = _aneby(foljsamhet_Ja=0, foljsamhet_Delvis=0, foljsamhet_Nej=0)  # 0 of 0: no value
    empty = table.build(_comparison({"Aneby": none}))
    assert empty.cell("0604", "andel_foljer_planen").value == MISSING_VALUE
    assert not empty.cell("0604", "andel_foljer_planen").small_base
    assert not empty.summary("andel_foljer_planen").small_base
    assert built.people[YEAR] == 20000
    lacking = dict(HABO)
    del lacking[("invanare", "", "")]
    assert table.build(_comparison({"Aneby": nineteen, "Habo": lacking})).people[YEAR] is None
    assert table.build(_comparison({"Habo": lacking})).people[YEAR] is None


def test_a_share_of_a_breakdown_with_one_category_is_bounded_too():
    """The numerator is the whole denominator (a breakdown of one category): with a hidden
    count the least is the visible count over itself and the rest, here 100 %."""
    whole = _measure(taljare=(JA,), namnare=(JA,), skala=100)
    both = _comparison({"Habo": HABO, "Aneby": _aneby(foljsamhet_Ja=None)})
    assert compare.county_measure(both, whole) == Value(100.0, at_least=True)


def test_a_measure_no_municipality_has_gets_its_sentence_and_no_empty_chart():
    """Without answers to the follow-up question nobody has 'Andel som följer planen': its
    heading and the sentence stand, with no empty chart between them."""
    import io

    import docx

    from pipeline.comparison import document, table

    unasked = {k: v for k, v in HABO.items() if k[1] != "foljsamhet"}
    comparison = _comparison({"Habo": unasked})
    data, alts = document.render(comparison, table.build(comparison))
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    heading = next(
        i for i, p in enumerate(paragraphs) if p.text == f"Andel som följer planen (%) {YEAR}"
    )
    after = [p for p in paragraphs[heading + 1 :] if p.text.strip() or p._p.xpath(".//w:drawing")]
    assert not after[0]._p.xpath(".//w:drawing")
    assert after[0].text == "Ingen kommun har ett värde för måttet."
    assert len(alts) == len(comparison_layout.measures()) - 1
    assert not any("Andel som följer planen" in alt for alt in alts)
