"""The auditable-randomness protocol (pure functions)."""

from egov_expert_pool import drawing

RULES = {"expert_types": ["tech"], "tags_exclude": ["供应商背景"], "avoid_conflict": True}
NEEDS = {"security": 2, "cloud": 1}
POOL = {"security": [5, 3, 9, 12, 1], "cloud": [3, 7, 8]}


def _drawn():
    seed = drawing.new_seed()
    sh = drawing.seed_hash(seed)
    c = drawing.commitment(seed_hash_hex=sh, rules=RULES, needs=NEEDS, pool=POOL)
    result = drawing.select(seed=seed, needs=NEEDS, pool=POOL)
    return seed, sh, c, result


def test_select_is_deterministic_and_respects_counts():
    seed, _sh, _c, result = _drawn()
    assert result == drawing.select(seed=seed, needs=NEEDS, pool=POOL)
    assert len(result["security"]) == 2 and len(result["cloud"]) == 1
    assert set(result["security"]) <= set(POOL["security"])
    assert not set(result["security"]) & set(result["cloud"]), "one expert is drawn for one specialty only"


def test_pool_order_does_not_matter():
    seed = drawing.new_seed()
    shuffled = {"cloud": [8, 7, 3], "security": [12, 1, 9, 5, 3]}
    assert drawing.select(seed=seed, needs=NEEDS, pool=POOL) == drawing.select(seed=seed, needs=NEEDS, pool=shuffled)
    sh = drawing.seed_hash(seed)
    assert drawing.commitment(seed_hash_hex=sh, rules=RULES, needs=NEEDS, pool=POOL) == drawing.commitment(
        seed_hash_hex=sh, rules=RULES, needs=NEEDS, pool=shuffled)


def test_short_pool_draws_everyone_available():
    seed = drawing.new_seed()
    assert sorted(drawing.select(seed=seed, needs={"cloud": 5}, pool={"cloud": [2, 1]})["cloud"]) == [1, 2]


def test_verify_accepts_untouched_draw():
    seed, sh, c, result = _drawn()
    res = drawing.verify(seed=seed, seed_hash_hex=sh, commitment_hex=c, rules=RULES, needs=NEEDS, pool=POOL,
                         result=result)
    assert res.ok
    assert [ok for _l, ok, _d in res.checks] == [True, True, True]


def test_verify_fails_when_pool_snapshot_altered():
    seed, sh, c, result = _drawn()
    altered = {"security": [5, 3, 9, 12, 1, 99], "cloud": [3, 7, 8]}
    res = drawing.verify(seed=seed, seed_hash_hex=sh, commitment_hex=c, rules=RULES, needs=NEEDS, pool=altered,
                         result=result)
    assert not res.ok
    assert dict((label, ok) for label, ok, _d in res.checks)["commitment"] is False


def test_verify_fails_when_rules_altered():
    seed, sh, c, result = _drawn()
    res = drawing.verify(seed=seed, seed_hash_hex=sh, commitment_hex=c, rules={**RULES, "tags_exclude": []},
                         needs=NEEDS, pool=POOL, result=result)
    assert not res.ok


def test_verify_fails_when_seed_or_result_swapped():
    seed, sh, c, result = _drawn()
    other = drawing.new_seed()
    assert not drawing.verify(seed=other, seed_hash_hex=sh, commitment_hex=c, rules=RULES, needs=NEEDS, pool=POOL,
                              result=result).ok
    forged = {"security": [1, 3], "cloud": [7]}
    if forged != result:
        assert not drawing.verify(seed=seed, seed_hash_hex=sh, commitment_hex=c, rules=RULES, needs=NEEDS,
                                  pool=POOL, result=forged).ok


def test_drbg_is_roughly_uniform():
    counts = [0] * 5
    for i in range(2000):
        d = drawing._Drbg(f"{i:064x}", "x")
        counts[d.below(5)] += 1
    assert min(counts) > 320 and max(counts) < 480
