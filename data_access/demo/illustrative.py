"""Illustrative figures where the real data has none, generated deterministically from each
service's real totals: the split of non-digital transactions between phone, paper and face to
face, completion (digital transactions started and completed) and satisfaction ratings 1 to 5.

Same input, same output: each service's random generator is seeded from its slug.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np

from domain.channels import ILLUSTRATIVE_CHANNELS

# base shares of phone, paper, face to face by the kind of service
_CHANNEL_MIX = {
    "Booking events and resources": (0.70, 0.10, 0.20),
    "Making a payment": (0.65, 0.30, 0.05),
    "Requesting benefits, payments or loans": (0.45, 0.35, 0.20),
    "Requesting information": (0.60, 0.35, 0.05),
    "Registering": (0.30, 0.60, 0.10),
    "Requesting a licence or consent": (0.25, 0.65, 0.10),
}
_DEFAULT_MIX = (0.40, 0.50, 0.10)
# per period: paper declines, phone grows a little, face to face declines
_DRIFT = np.array([0.01, -0.03, -0.01])


def rng_for(slug: str) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha256(slug.encode()).hexdigest()[:16], 16))


class ServiceProfile:
    """The stable, random-but-plausible traits of one service."""

    def __init__(self, slug: str, service_type: str | None):
        rng = rng_for(slug)
        base = np.array(_CHANNEL_MIX.get(service_type, _DEFAULT_MIX))
        self.channel_mix = rng.dirichlet(base * 20)
        self.completion_rate = rng.uniform(0.6, 0.9)
        self.completion_trend = rng.uniform(-0.003, 0.005)
        self.quality = rng.uniform(0.55, 0.9)
        self.quality_trend = rng.uniform(-0.006, 0.008)
        self.response_rate = rng.uniform(0.002, 0.02)
        self.rng = rng

    def split_non_digital(self, non_digital: float, step: int) -> dict[str, float]:
        """Split a real non-digital total into channels; the parts add up to it exactly."""
        shares = self.channel_mix * np.exp(_DRIFT * step)
        shares = shares / shares.sum()
        phone = math.floor(non_digital * shares[0])
        paper = math.floor(non_digital * shares[1])
        return dict(zip(ILLUSTRATIVE_CHANNELS, (phone, paper, non_digital - phone - paper)))

    def completion(self, digital: float, step: int) -> tuple[int, int]:
        """(started, completed) where `completed` is the real digital volume."""
        rate = min(0.95, max(0.3, self.completion_rate + self.completion_trend * step
                             + self.rng.normal(0, 0.01)))
        completed = round(digital)
        return round(completed / rate), completed

    def ratings(self, digital: float, step: int) -> list[int]:
        """Counts of ratings 1..5 from a share of digital users who answered the survey."""
        responses = int(min(50_000, max(12, digital * self.response_rate)))
        quality = min(0.97, max(0.2, self.quality + self.quality_trend * step
                                + self.rng.normal(0, 0.015)))
        # a tilt towards 5 for a good service, towards 1 for a poor one
        tilt = (quality - 0.5) * 6
        weights = np.exp(tilt * (np.arange(1, 6) - 3) / 2)
        return self.rng.multinomial(responses, weights / weights.sum()).tolist()
