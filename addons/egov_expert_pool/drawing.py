"""Auditable randomness: commitment, deterministic selection and verification (no database access).

Protocol (every step reproducible by an auditor with any SHA-256/HMAC implementation):

1. ``seed`` = 32 random bytes from ``secrets`` (hex); ``seed_hash`` = SHA-256(seed hex string).
2. The eligible pool is fixed: ``pool`` = {specialty code: sorted list of expert ids}.
3. ``commitment`` = SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8) of
   ``{"seed_hash": ..., "rules": ..., "needs": ..., "pool": ...}`` — published before the selection.
4. Selection per specialty (in sorted order of the codes): a partial Fisher–Yates shuffle of the sorted pool
   driven by an HMAC-SHA256 counter DRBG keyed with the seed; numbers are drawn by rejection sampling (no modulo
   bias). An expert already chosen for an earlier specialty is skipped.
5. After the selection the seed is revealed; ``verify`` recomputes 1, 3 and 4 and compares.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def new_seed() -> str:
    return secrets.token_hex(32)


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def normalise_pool(pool: dict) -> dict[str, list[int]]:
    return {str(k): sorted(int(i) for i in v) for k, v in sorted(pool.items())}


def commitment(*, seed_hash_hex: str, rules: dict, needs: dict, pool: dict) -> str:
    payload = {"seed_hash": seed_hash_hex, "rules": rules, "needs": {str(k): int(v) for k, v in needs.items()},
               "pool": normalise_pool(pool)}
    return hashlib.sha256(canonical_json(payload)).hexdigest()


class _Drbg:
    """HMAC-SHA256 in counter mode keyed with the seed: block i = HMAC(seed, label || ":" || i)."""

    def __init__(self, seed: str, label: str):
        self._key = bytes.fromhex(seed)
        self._label = label.encode("utf-8")
        self._counter = 0

    def _next64(self) -> int:
        msg = self._label + b":" + str(self._counter).encode("ascii")
        self._counter += 1
        return int.from_bytes(hmac.new(self._key, msg, hashlib.sha256).digest()[:8], "big")

    def below(self, n: int) -> int:
        """Uniform integer in [0, n) by rejection sampling."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self._next64()
            if x < limit:
                return x % n


def select(*, seed: str, needs: dict, pool: dict) -> dict[str, list[int]]:
    """The deterministic draw: {specialty: [expert ids in drawing order]} (fewer when the pool is short)."""
    pool = normalise_pool(pool)
    chosen: set[int] = set()
    result: dict[str, list[int]] = {}
    for spec in sorted(needs):
        want = int(needs[spec])
        candidates = [i for i in pool.get(spec, []) if i not in chosen]
        drbg = _Drbg(seed, f"specialty:{spec}")
        picked: list[int] = []
        n = len(candidates)
        for k in range(min(want, n)):
            j = k + drbg.below(n - k)
            candidates[k], candidates[j] = candidates[j], candidates[k]
            picked.append(candidates[k])
        chosen.update(picked)
        result[spec] = picked
    return result


@dataclass
class VerifyResult:
    ok: bool
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (label, ok, detail)
    recomputed: dict = field(default_factory=dict)


def verify(*, seed: str, seed_hash_hex: str, commitment_hex: str, rules: dict, needs: dict, pool: dict,
           result: dict) -> VerifyResult:
    """Recompute everything from the revealed seed and the published snapshot."""
    out = VerifyResult(ok=True)

    def check(label, ok, detail=""):
        out.checks.append((label, bool(ok), detail))
        if not ok:
            out.ok = False

    if not seed:
        check("seed_revealed", False, "")
        return out
    h = seed_hash(seed)
    check("seed_hash", h == seed_hash_hex, h)
    c = commitment(seed_hash_hex=h, rules=rules, needs=needs, pool=pool)
    check("commitment", c == commitment_hex, c)
    recomputed = select(seed=seed, needs=needs, pool=pool)
    out.recomputed = recomputed
    stored = {str(k): [int(i) for i in v] for k, v in (result or {}).items()}
    check("result", recomputed == stored, json.dumps(recomputed, sort_keys=True))
    return out
