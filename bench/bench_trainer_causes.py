"""Why some Trainer runs are slower than the bare loop: each hypothesis of issue #20, measured on its own.

    python bench/bench_trainer_causes.py [--presets digits-gan] [--variants ...] [--processes 3] [--json out.json]

Every measurement is a fresh process (`--child`), so no variant inherits another's allocator, thread pool or
warm caches. Inside it the Trainer and bench_trainer's bare loop alternate round by round (the same networks,
data and batch size), and the child reports both medians and their ratio. Each variant runs in `--processes`
fresh processes, the variants interleaved (A B C ... A B C ...), so a busy minute on the machine hits them alike.

The variants, one change each against `baseline` (the Trainer and the bare loop on the main thread, one torch
thread, the app's allocator setting, denormals kept, each loop in its own order of operations). Since session 9
the app tunes glibc's allocator in every process (gan_core.device.tune_allocator); `glibc` measures without it,
and `--glibc` runs every other variant without it too (as they were first measured):
- thread: the Trainer's rounds run on a second Python thread, as the app's thread workers run them (the bare loop
  stays on the main thread); thread_both: both loops on that second thread.
- omp1: OMP_NUM_THREADS=1 and MKL_NUM_THREADS=1 in the environment before torch starts (the app sets the pool's
  size with torch.set_num_threads only).
- forked: the child forks once after importing torch and measures in the forked process (the app's worker
  processes are started that way on Linux).
- contiguous: the Trainer's batches are copied to a fresh contiguous tensor before use (they come from
  index_select on a flat view; the child also reports their strides and memory format).
- glibc: LATENT_LAB_MALLOC=glibc, glibc's own defaults: a block above its mmap threshold is mapped afresh and
  unmapped when freed, and free memory is returned to the OS (the allocator hypothesis, the other way round).
- malloc: MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set to 1 GiB and MALLOC_TOP_PAD_ to 256 MiB in the
  environment, with LATENT_LAB_MALLOC=glibc: how the allocator hypothesis was first tested, before the app set
  smaller values itself.
- flush_denormal: torch.set_flush_denormal(True) in both loops.
- bare_in_trainer_order: the bare loop does what the Trainer does between its passes: D's fakes made under no_grad,
  the gradient norms, the statistics stacked and read once per step (op order and bookkeeping, without the rest
  of the Trainer: snapshots, weight copies, history).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS = ("baseline", "thread", "thread_both", "omp1", "forked", "contiguous", "glibc", "malloc",
            "flush_denormal", "bare_in_trainer_order")
ENV = {"omp1": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
       "glibc": {"LATENT_LAB_MALLOC": "glibc"},
       "malloc": {"MALLOC_MMAP_THRESHOLD_": str(2**30), "MALLOC_TRIM_THRESHOLD_": str(2**30),
                  "MALLOC_TOP_PAD_": str(2**28), "LATENT_LAB_MALLOC": "glibc"}}


# -- the child: one fresh process, one variant -----------------------------------------------------------
def _on_thread(function, *args):
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("value", function(*args)))
    worker.start()
    worker.join()
    return result["value"]


def _bare_in_trainer_order(config, dataset, steps: int) -> float:
    """The bare loop with the Trainer's order of operations and its per-step bookkeeping."""
    import torch
    import torch.nn.functional as F

    from gan_core import losses
    from gan_core.models import build_models

    torch.manual_seed(config.seed)
    models = build_models(config, dataset.sample_shape, dataset.n_classes)
    generator, critic = models["generator"], models["discriminator"]
    g_params, d_params = list(generator.parameters()), list(critic.parameters())
    opt_g = torch.optim.Adam(g_params, lr=config.lr_g, betas=(config.beta1, config.beta2))
    opt_d = torch.optim.Adam(d_params, lr=config.lr_d, betas=(config.beta1, config.beta2))
    rng = torch.Generator().manual_seed(config.seed)
    n = config.batch_size
    start = time.perf_counter()
    for _ in range(steps):
        real, _ = dataset.sample_batch(n, rng)
        with torch.no_grad():
            fake = generator(torch.randn(n, config.latent_dim, generator=rng))
        d_real, d_fake = critic(real), critic(fake)
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        norm_d = losses.grad_norm(d_params)
        opt_d.step()
        loss_g = F.softplus(-critic(generator(torch.randn(n, config.latent_dim, generator=rng)))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        norm_g = losses.grad_norm(g_params)
        opt_g.step()
        torch.stack([loss_d.detach(), loss_g.detach(), d_real.mean().detach(), d_fake.mean().detach(), norm_d,
                     norm_g]).tolist()
    return steps / (time.perf_counter() - start)


def child(variant: str, preset: str, steps: int, rounds: int) -> dict:
    import torch

    from bench.bench_trainer import bare_loop, bench_setup, interleaved, trainer_loop
    from gan_core.device import configure_threads

    if variant == "forked":
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the forked process measures and sends its result up the pipe
            os.close(read)
            with os.fdopen(write, "w") as out:
                out.write(json.dumps(child("baseline", preset, steps, rounds)))
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as incoming:
            text = incoming.read()
        os.waitpid(pid, 0)
        return {**json.loads(text), "variant": variant}
    threads = configure_threads(1)
    if variant == "flush_denormal":
        torch.set_flush_denormal(True)
    is_vae = "vae" in preset
    config, dataset = bench_setup(preset)
    batch, _ = dataset.sample_batch(config.batch_size, torch.Generator().manual_seed(0))
    layout = {"batch_contiguous": batch.is_contiguous(), "batch_strides": list(batch.stride()),
              "channels_last": batch.dim() == 4 and batch.is_contiguous(memory_format=torch.channels_last)
              and not batch.is_contiguous()}
    if variant == "contiguous":
        original = type(dataset).sample_batch

        def copied(self, n, generator):
            x, y = original(self, n, generator)
            return x.clone(memory_format=torch.contiguous_format), y

        type(dataset).sample_batch = copied
    bare = _bare_in_trainer_order if variant == "bare_in_trainer_order" and not is_vae else bare_loop
    run_trainer = (lambda *a: _on_thread(trainer_loop, *a)) if variant in ("thread", "thread_both") else trainer_loop
    run_bare = (lambda *a: _on_thread(bare, *a)) if variant == "thread_both" else bare
    ours, theirs = interleaved(run_trainer, run_bare, config, dataset, steps, rounds)
    return {"variant": variant, "preset": preset, "threads": threads, "torch_threads": torch.get_num_threads(),
            "trainer": statistics.median(ours), "bare": statistics.median(theirs),
            "ratio": statistics.median(ours) / statistics.median(theirs), **layout}


# -- the parent: fresh processes, variants interleaved ----------------------------------------------------
def run_child(variant: str, preset: str, steps: int, rounds: int, glibc: bool = False) -> dict:
    env = {**os.environ, **({"LATENT_LAB_MALLOC": "glibc"} if glibc else {}), **ENV.get(variant, {}),
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--presets", preset,
               "--steps", str(steps), "--rounds", str(rounds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{variant} on {preset} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["digits-gan"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per variant")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--glibc", action="store_true", help="every variant with glibc's allocator defaults")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.presets[0], args.steps, args.rounds)))
        return
    rows = []
    for preset in args.presets:
        found: dict[str, list[dict]] = {v: [] for v in args.variants}
        for _ in range(args.processes):
            for variant in args.variants:
                found[variant].append(run_child(variant, preset, args.steps, args.rounds, args.glibc))
        print(f"{preset}: Trainer / bare loop, {args.processes} fresh processes per variant"
              f"{' (glibc allocator defaults)' if args.glibc else ''} "
              f"({args.rounds} interleaved rounds of {args.steps} steps each)")
        print(f"  {'variant':<22} {'ratios':<24} {'median':>6} {'trainer/s':>10} {'bare/s':>8}")
        for variant, results in found.items():
            ratios = [r["ratio"] for r in results]
            row = {"preset": preset, "variant": variant, "ratios": [round(r, 3) for r in ratios],
                   "ratio": round(statistics.median(ratios), 3),
                   "trainer": round(statistics.median(r["trainer"] for r in results), 1),
                   "bare": round(statistics.median(r["bare"] for r in results), 1),
                   "batch_contiguous": results[0]["batch_contiguous"], "batch_strides": results[0]["batch_strides"],
                   "torch_threads": results[0]["torch_threads"]}
            rows.append(row)
            print(f"  {variant:<22} {' '.join(f'{r:.3f}' for r in ratios):<24} {row['ratio']:>6.3f} "
                  f"{row['trainer']:>10} {row['bare']:>8}")
        print(f"  batches: contiguous={rows[-1]['batch_contiguous']}, strides {rows[-1]['batch_strides']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
