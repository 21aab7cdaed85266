"""Which of issue #8's speed-ups pay off on this machine: fused/foreach Adam, channels_last, bf16, torch.compile.

    python bench/bench_optim.py                        # 3 presets, all variants, 100 steps x 3 rounds
    python bench/bench_optim.py --quick                # 30 steps x 2 rounds, compile warm-up capped at 90 s
    python bench/bench_optim.py --presets digits-gan --variants baseline adam-fused compile --json out.json

Every training variant is the hand-written loop of bench_trainer.bare_loop (sample a batch by index, one D update,
one G update; for a VAE one joint update) with one change switched on:

    baseline        bare_loop's step as it is (torch's default Adam, on the CPU the per-parameter for-loop)
    adam-foreach    Adam(foreach=True): one multi-tensor kernel per update step instead of one per parameter
    adam-fused      Adam(fused=True): the whole update in one fused kernel ("unsupported" if torch refuses)
    channels-last   models and real batches in channels_last memory format (conv presets only)
    bf16-autocast   forward passes under torch.autocast("cpu", dtype=torch.bfloat16); losses in float32
    compile         torch.compile (default mode) of the generator and the discriminator/encoder

Each variant builds its own models once (unlike bare_loop, they keep training from round to round), then all
variants run in this one process interleaved round by round (baseline, adam-foreach, ..., baseline, ...), so the
noise of a shared machine hits them alike; the table gives the median steps/s and its ratio to the baseline's
median. For compile, "warm-up" is the time from the first call until the first 3 steps have finished (tracing +
inductor's C++ build), measured with an empty inductor cache per preset unless --warm-cache; the one-time cost of
inductor's start-up in a fresh process is timed on a trivial function first and printed apart. "Break-even" is how
many steps it takes for the faster steps to repay the warm-up, next to the preset's own length (config.steps) - the
figure that decides whether compiling a demo is worth it. A run that exceeds --compile-cap, or an inductor that
cannot build (no C compiler...), is reported as "failed: <reason>".

Inference rows time sampling 1,000 samples from the generator in eval mode, torch.no_grad against
torch.inference_mode (median of --repeat calls per round; steps/s there means 1,000-sample calls per second).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import signal
import statistics
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from gan_core.data import load_dataset
from gan_core.device import configure_threads
from gan_core.models import build_models
from gan_core.presets import preset_config

TRAINING_VARIANTS = ("baseline", "adam-foreach", "adam-fused", "channels-last", "bf16-autocast", "compile")
INFERENCE_VARIANTS = ("sample-no-grad", "sample-inference-mode")
VARIANTS = TRAINING_VARIANTS + INFERENCE_VARIANTS
WARMUP_STEPS = 3  # compile: the warm-up clock stops when this many steps have finished
SAMPLES = 1000


class VariantUnavailable(Exception):
    """The variant cannot run here (e.g. fused Adam refused, inductor failed); the message says why."""


class TrainLoop:
    """bare_loop's models, optimisers and step, with one optimisation switched on; run(steps) -> steps/s."""

    def __init__(self, config, dataset, variant: str):
        self.config, self.dataset, self.variant = config, dataset, variant
        torch.manual_seed(config.seed)
        models = build_models(config, dataset.sample_shape, dataset.n_classes)
        self.generator = models["generator"]
        self.critic = models["encoder" if config.is_vae else "discriminator"]
        self.channels_last = variant == "channels-last"
        if self.channels_last:
            self.generator.to(memory_format=torch.channels_last)
            self.critic.to(memory_format=torch.channels_last)
        adam = {"adam-foreach": {"foreach": True}, "adam-fused": {"fused": True}}.get(variant, {})
        betas = (config.beta1, config.beta2)
        try:
            self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr_g, betas=betas, **adam)
            self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=config.lr_d, betas=betas, **adam)
        except (RuntimeError, ValueError, TypeError) as error:
            raise VariantUnavailable(f"unsupported: {_one_line(error)}") from error
        # the forward passes go through these; compile swaps them for the compiled modules
        self.forward_g, self.forward_d = self.generator, self.critic
        if variant == "compile":
            try:
                self.forward_g, self.forward_d = torch.compile(self.generator), torch.compile(self.critic)
            except Exception as error:  # noqa: BLE001 - whatever torch raises is the answer
                raise VariantUnavailable(f"failed: {_one_line(error)}") from error
        self.autocast = variant == "bf16-autocast"
        self.data = dataset.data
        self.labels = dataset.labels if config.is_conditional else None

    def _forward_context(self):
        return torch.autocast("cpu", dtype=torch.bfloat16) if self.autocast else contextlib.nullcontext()

    def _real_batch(self, n: int):
        if self.dataset.modes is not None:
            real, _ = self.dataset.sample_batch(n, torch.default_generator)
            return real, None
        index = torch.randint(self.data.shape[0], (n,))
        real = self.data[index]
        if self.channels_last:
            real = real.contiguous(memory_format=torch.channels_last)
        return real, (self.labels[index] if self.labels is not None else None)

    def step(self) -> None:
        config, n = self.config, self.config.batch_size
        real, y = self._real_batch(n)
        if config.is_vae:
            # update encoder and decoder together: minimise reconstruction error + KL(q(z|x) || N(0, I))
            with self._forward_context():
                codes = self.forward_d(real, y)
            mu, logvar = codes.float().chunk(2, dim=1)
            z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
            with self._forward_context():
                reconstruction = self.forward_g(z, y)
            loss = (reconstruction.float() - real).pow(2).flatten(1).sum(1).mean() + (
                -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(1).mean()
            self.opt_g.zero_grad()
            self.opt_d.zero_grad()
            loss.backward()
            self.opt_g.step()
            self.opt_d.step()
            return
        # update D: maximise log D(x) + log(1 - D(G(z)))
        with self._forward_context():
            fake = self.forward_g(torch.randn(n, config.latent_dim), y)
            d_real, d_fake = self.forward_d(real, y), self.forward_d(fake.detach(), y)
        loss_d = F.softplus(-d_real.float()).mean() + F.softplus(d_fake.float()).mean()
        self.opt_d.zero_grad()
        loss_d.backward()
        self.opt_d.step()
        # update G: maximise log D(G(z)) (the non-saturating loss)
        with self._forward_context():
            d_fake = self.forward_d(self.forward_g(torch.randn(n, config.latent_dim), y), y)
        loss_g = F.softplus(-d_fake.float()).mean()
        self.opt_g.zero_grad()
        loss_g.backward()
        self.opt_g.step()

    def run(self, steps: int) -> float:
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        return steps / (time.perf_counter() - start)


def _one_line(error: BaseException, limit: int = 160) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0] if lines else ''}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


@contextlib.contextmanager
def time_cap(seconds: float):
    """Raise TimeoutError in the main thread if the block runs longer than `seconds` (0 = no cap)."""
    if seconds <= 0 or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum, frame):
        raise TimeoutError(f"warm-up took longer than the {seconds:.0f} s cap")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def inductor_startup() -> float | str:
    """Seconds to compile and run a trivial function: what the first torch.compile in a process pays once
    (importing inductor, starting its compile workers), kept out of each preset's warm-up; or "failed: ...".
    """
    start = time.perf_counter()
    try:
        torch.compile(lambda x: x * 2 + 1)(torch.ones(4))
    except Exception as error:  # noqa: BLE001
        return f"failed: {_one_line(error)}"
    return round(time.perf_counter() - start, 2)


@contextlib.contextmanager
def fresh_inductor_cache(enabled: bool):
    """An empty inductor cache (on disk and in memory) for the block, so a warm-up reuses no kernel built before."""
    if not enabled:
        yield
        return
    from torch._inductor.runtime.cache_dir_utils import temporary_cache_dir

    with tempfile.TemporaryDirectory(prefix="bench_optim_inductor_") as cache, temporary_cache_dir(cache):
        yield


def prepare(config, dataset, variant: str, compile_cap: float) -> tuple[TrainLoop, float]:
    """Build the variant and run its first WARMUP_STEPS steps; return (loop, seconds those took)."""
    if variant == "compile":
        torch._dynamo.reset()  # forget graphs compiled for earlier presets (same classes, other shapes)
    with time_cap(compile_cap if variant == "compile" else 0):
        start = time.perf_counter()
        loop = TrainLoop(config, dataset, variant)
        try:
            loop.run(WARMUP_STEPS)
        except Exception as error:  # noqa: BLE001 - e.g. inductor without a C compiler, fused kernel missing
            capped = variant == "compile" and compile_cap > 0 and time.perf_counter() - start >= compile_cap
            if capped:  # torch may wrap the TimeoutError in its own error; say what really happened
                raise VariantUnavailable(f"failed: warm-up took longer than the {compile_cap:.0f} s cap") from error
            word = "unsupported" if variant == "adam-fused" else "failed"
            raise VariantUnavailable(f"{word}: {_one_line(error)}") from error
        return loop, time.perf_counter() - start


def sampler(config, dataset, mode: str):
    """A zero-argument function that draws SAMPLES samples from a fresh eval-mode generator."""
    torch.manual_seed(config.seed)
    generator = build_models(config, dataset.sample_shape, dataset.n_classes)["generator"].eval()
    z = torch.randn(SAMPLES, config.latent_dim)
    labels = torch.arange(SAMPLES) % dataset.n_classes if config.is_conditional else None
    context = torch.no_grad if mode == "sample-no-grad" else torch.inference_mode

    def sample():
        with context():
            return generator(z, labels)

    return sample


def break_even(warmup_s: float, baseline_rate: float, compiled_rate: float) -> float | None:
    """Steps after which compiling has paid for its warm-up; None if compiled steps are not faster."""
    saving = 1 / baseline_rate - 1 / compiled_rate  # seconds saved per step
    if saving <= 0:
        return None
    extra = warmup_s - WARMUP_STEPS / baseline_rate  # what the warm-up cost beyond 3 ordinary steps
    return max(0.0, extra) / saving + WARMUP_STEPS


def measure(preset: str, variants: list[str], steps: int, rounds: int, repeat: int, compile_cap: float,
            cold_cache: bool = True) -> list[dict]:
    # the same config and data as bench_trainer.measure
    config = (preset_config(preset, metrics_every=0, loss="ns") if "vae" not in preset
              else preset_config(preset, metrics_every=0))
    dataset = load_dataset(config.dataset, image_size=config.image_size, n_points=config.n_points, seed=config.seed)
    conv = config.resolved_arch == "conv"
    training = [v for v in TRAINING_VARIANTS if v in variants]
    if training and "baseline" not in training:
        training.insert(0, "baseline")  # every ratio needs it
    inference = [v for v in INFERENCE_VARIANTS if v in variants]
    if inference and "sample-no-grad" not in inference:
        inference.insert(0, "sample-no-grad")

    rows: dict[str, dict] = {}
    loops: dict[str, TrainLoop] = {}
    for variant in training:
        row = rows[variant] = {"preset": preset, "variant": variant, "steps_per_s": None, "ratio": None, "note": ""}
        if variant == "channels-last" and not conv:
            row["note"] = "skipped: MLP preset (no conv layers)"
            continue
        from torch._dynamo.utils import counters

        graphs_before = counters["stats"]["unique_graphs"]
        breaks_before = sum(counters["graph_break"].values())
        try:
            with fresh_inductor_cache(cold_cache and variant == "compile"):
                loops[variant], warmup_s = prepare(config, dataset, variant, compile_cap)
        except VariantUnavailable as error:
            row["note"] = str(error)
            continue
        if variant == "compile":
            row["warmup_s"] = round(warmup_s, 2)
            row["graphs"] = counters["stats"]["unique_graphs"] - graphs_before
            row["graph_breaks"] = sum(counters["graph_break"].values()) - breaks_before
        loops[variant].run(10 if variant != "compile" else 5)  # warm allocators and kernels
    samplers = {v: sampler(config, dataset, v) for v in inference}
    for sample in samplers.values():
        sample()

    rates: dict[str, list[float]] = {v: [] for v in list(loops) + inference}
    for _ in range(rounds):
        for variant, loop in loops.items():
            rates[variant].append(loop.run(steps))
        for variant, sample in samplers.items():
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                sample()
                times.append(time.perf_counter() - start)
            rates[variant].append(1 / statistics.median(times))

    baseline = statistics.median(rates["baseline"]) if rates.get("baseline") else None
    for variant in loops:
        median = statistics.median(rates[variant])
        row = rows[variant]
        row.update(steps_per_s=round(median, 1), ratio=round(median / baseline, 3) if baseline else None)
        if variant == "compile" and baseline:
            steps_needed = break_even(row["warmup_s"], baseline, median)
            row["break_even_steps"] = None if steps_needed is None else round(steps_needed)
            row["demo_steps"] = config.steps
            if steps_needed is None:
                verdict = "never (compiled steps are not faster)"
            elif steps_needed <= config.steps:
                verdict = f"{steps_needed:.0f} steps, within the demo's {config.steps}"
            else:
                verdict = f"{steps_needed:.0f} steps, more than the demo's {config.steps}"
            row["note"] = (f"warm-up {row['warmup_s']:.1f} s to first {WARMUP_STEPS} steps "
                           f"({row['graphs']} graphs, {row['graph_breaks']} breaks); break-even {verdict}")
    no_grad = statistics.median(rates["sample-no-grad"]) if inference else None
    for variant in inference:
        median = statistics.median(rates[variant])
        rows[variant] = {"preset": preset, "variant": variant, "steps_per_s": round(median, 1),
                         "ratio": round(median / no_grad, 3),
                         "note": f"{1000 / median:.2f} ms per {SAMPLES} samples (ratio vs sample-no-grad)"}
    for row in rows.values():
        row["batch_size"] = config.batch_size
    return list(rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["digits-gan", "digits-vae", "ring8-fixed"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS, metavar="VARIANT",
                        help="any of: " + " ".join(VARIANTS) + " (baseline is always added for the ratios)")
    parser.add_argument("--steps", type=int, default=100, help="training steps per variant per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=7, help="sampling calls per inference variant per round")
    parser.add_argument("--compile-cap", type=float, default=240,
                        help="seconds the compile warm-up may take per preset before it counts as failed (0 = none)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="use inductor's usual on-disk cache (default: an empty one, so warm-up is a cold start)")
    parser.add_argument("--quick", action="store_true", help="30 steps, 2 rounds, 3 repeats, 90 s compile cap")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds, args.repeat, args.compile_cap = 30, 2, 3, min(args.compile_cap or 90, 90)
    threads = configure_threads()
    startup = None
    if "compile" in args.variants:
        with fresh_inductor_cache(not args.warm_cache):
            startup = inductor_startup()
    rows = [row for preset in args.presets
            for row in measure(preset, args.variants, args.steps, args.rounds, args.repeat, args.compile_cap,
                               cold_cache=not args.warm_cache)]

    print(f"optimisations vs bare loop (torch {torch.__version__}, {threads} torch thread(s); "
          f"median of {args.rounds} interleaved rounds of {args.steps} steps)")
    if startup is not None:
        told = f"{startup} s" if isinstance(startup, float) else startup
        print(f"inductor start-up, paid once per process before any preset's warm-up: {told}")
    print(f"{'preset':<12} {'variant':<22} {'steps/s':>8} {'ratio':>6}  notes")
    for row in rows:
        rate = "-" if row["steps_per_s"] is None else row["steps_per_s"]
        ratio = "-" if row["ratio"] is None else row["ratio"]
        print(f"{row['preset']:<12} {row['variant']:<22} {rate:>8} {ratio:>6}  {row['note']}")
    if args.json:
        summary = {"torch": torch.__version__, "threads": threads, "steps": args.steps, "rounds": args.rounds,
                   "inductor_startup_s": startup, "rows": rows}
        Path(args.json).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
