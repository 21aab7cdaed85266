"""Adam for the Trainer: torch's own Adam arithmetic, without `torch.optim.Optimizer`'s machinery around it.

Why not `torch.optim.Adam` itself: building any `torch.optim` optimiser imports torch._dynamo
(`Optimizer.add_param_group` is wrapped in `torch._disable_dynamo`, and `Adam.step` imports it again), which costs
1.5-2 s of a 20-second command-line run and of every fresh training process. Each step also passes through a
profiler record, the hook tables and a dynamo-disable wrapper around `zero_grad`, about 0.1 ms a step for the two
players of a small 2-D GAN.

What the Trainer needs is kept, with torch's meaning:
- `param_groups` (the live settings change `lr` there), `state`, `zero_grad()`, `step()`;
- `state_dict()` / `load_state_dict()` in `torch.optim.Adam`'s format, so a checkpoint saved by either loads in
  the other (the shipped demos and every run saved before this class were saved by torch's);
- the update itself is `torch.optim.adam.adam`, the function `torch.optim.Adam.step` calls: the same numbers, bit
  for bit, fused or not (tests/test_optim.py checks both against torch's class).
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

import torch
from torch.optim.adam import adam as adam_update  # the function torch.optim.Adam.step calls

# torch.optim.Adam's hyperparameters and their defaults, as its state_dict lists them (torch 2.14).
GROUP_DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
                  "maximize": False, "foreach": None, "capturable": False, "differentiable": False, "fused": None,
                  "decoupled_weight_decay": False}


class Adam:
    """Adam over one group of parameters, as `torch.optim.Adam(params, lr=, betas=, fused=)` with its defaults
    otherwise (no weight decay, no AMSGrad)."""

    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, fused: bool | None = None):
        params = list(params)
        if not params:
            raise ValueError("Adam got an empty parameter list")
        if fused and any(not (p.is_floating_point() and p.device.type in ("cpu", "cuda")) for p in params):
            raise RuntimeError("fused Adam needs floating-point parameters on the CPU or CUDA")
        group = dict(GROUP_DEFAULTS, lr=lr, betas=tuple(betas), eps=eps, fused=fused)
        group["params"] = params
        self.param_groups: list[dict] = [group]
        self.state: dict[torch.Tensor, dict] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.detach_()
                    p.grad.requires_grad_(False)
                    p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, steps = [], [], [], [], []
            on_device = group["fused"] or group["capturable"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.get(p)
                if not state:  # as torch.optim.Adam starts a parameter: the step count on the CPU unless fused
                    state = self.state[p] = {
                        "step": (torch.zeros((), dtype=torch.float32, device=p.device) if on_device
                                 else torch.tensor(0.0, dtype=torch.float32)),
                        "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                        "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
                params.append(p)
                grads.append(p.grad)
                exp_avgs.append(state["exp_avg"])
                exp_avg_sqs.append(state["exp_avg_sq"])
                steps.append(state["step"])
            if not params:
                continue
            beta1, beta2 = group["betas"]
            adam_update(params, grads, exp_avgs, exp_avg_sqs, [], steps, foreach=group["foreach"],
                        capturable=group["capturable"], differentiable=False, fused=group["fused"],
                        has_complex=any(torch.is_complex(p) for p in params),
                        decoupled_weight_decay=group["decoupled_weight_decay"], amsgrad=group["amsgrad"],
                        beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"],
                        eps=group["eps"], maximize=group["maximize"])

    def state_dict(self) -> dict:
        """torch.optim's format: parameters numbered in group order; the state's tensors are this optimiser's own
        (not copies), as torch's are."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        return {"state": {index[id(p)]: value for p, value in self.state.items()}, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state saved by this class or by `torch.optim.Adam`, as torch loads one: the saved hyperparameters
        replace the current ones, the moments take each parameter's dtype and device, the step count stays where
        it was saved unless the group is fused."""
        saved_groups = [dict(group) for group in state_dict["param_groups"]]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(saved["params"]) != len(group["params"]) for saved, group in zip(saved_groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        params_by_index = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                                    chain.from_iterable(g["params"] for g in self.param_groups)))
        fused_by_index = {i: bool(g.get("fused") or g.get("capturable")) for g in saved_groups for i in g["params"]}
        state = {}
        for i, saved in state_dict["state"].items():
            if i not in params_by_index:
                continue
            p = params_by_index[i]
            state[p] = {key: self._placed(key, value, p, fused_by_index.get(i, False)) for key, value in saved.items()}
        for saved, group in zip(saved_groups, self.param_groups):
            saved["params"] = group["params"]
            for key, default in GROUP_DEFAULTS.items():
                saved.setdefault(key, default)
            saved["betas"] = tuple(saved["betas"])
        self.param_groups = saved_groups
        self.state = state

    @staticmethod
    def _placed(key: str, value, param: torch.Tensor, on_device: bool):
        if key == "step":
            value = value if torch.is_tensor(value) else torch.tensor(float(value), dtype=torch.float32)
            return value.to(dtype=torch.float32, device=param.device) if on_device else value
        if torch.is_tensor(value):
            return value.to(dtype=param.dtype, device=param.device) if param.is_floating_point() else value.to(param.device)
        return value
