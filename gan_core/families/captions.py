"""Caption to image, as small as it gets: type "a blue square in the top left" and get one.

The `shapes` dataset's 36 labels already are captions ("red circle, top left"). This family learns

- a vocabulary of a few dozen English words: the shapes, colours and positions, a few honest synonyms
  ("box" for square, "disc" for circle, "upper"/"lower" for top/bottom) and filler words ("a", "in", "the");
- a tiny text encoder: one learned vector per word, summed over the caption (a bag of words: order is
  ignored), then a small MLP -> a conditioning vector;
- a conditional VAE whose decoder draws an image from (z, caption vector), and whose encoder, used only in
  training, sees the image and the caption.

Why a conditional VAE and not a conditional GAN: it learns every one of the 36 captions reliably within a
minute on a CPU, where our GANs on this dataset drop colours (see shapes-gan). The price is softer edges.

Training never shows the model a label id. Each image comes with a caption phrased at random ("top-left red
circle", "a red disc in the upper left corner", ...), and about a third of the captions leave something out
("a blue square", "something green on the left"), so the model learns that a word may be missing and the
encoder puts what the caption left unsaid into z. Read as it is, a partial caption then leaves the choice
to z, which a VAE decoder often answers with a faint blend of the possibilities; so `caption_to_image` by
default first fills each unstated attribute with a random word per picture: the missing attributes vary and
every picture is one clean shape (`fill_missing=False` shows the model's own answer).

The generator still accepts `generator(z, labels)` (each label becomes its canonical caption), so Sample &
Blend, Mode Collapse and the metrics work unchanged; `generator.from_text(z, texts)` and
`caption_to_image(generator, text, n, seed)` condition on free text.
"""
from __future__ import annotations

import random
import re

import torch
from torch import nn

from gan_core.data import COLOUR_NAMES, POSITION_NAMES, SHAPE_NAMES, shapes_class_names
from gan_core.families.base import Family
from gan_core.models import ConvDiscriminator, ConvGenerator, init_weights, sample_latents

# -- the vocabulary ----------------------------------------------------------------------------------------
# Content words name one attribute value; the index is the value in the dataset's own order (SHAPE_NAMES,
# COLOUR_NAMES; vertical 0 = top, horizontal 0 = left, so position = 2 * vertical + horizontal).
SHAPE_WORDS = {"circle": 0, "disc": 0, "square": 1, "box": 1, "triangle": 2}
COLOUR_WORDS = {"red": 0, "green": 1, "blue": 2}
VERTICAL_WORDS = {"top": 0, "upper": 0, "bottom": 1, "lower": 1}
HORIZONTAL_WORDS = {"left": 0, "right": 1}
# Words that carry no attribute but appear in natural captions: learned like the others (the encoder finds out
# they mean nothing) and never reported as unknown.
FILLER_WORDS = ("a", "an", "the", "in", "at", "on", "of", "and", "is", "there", "with", "one", "shape",
                "something", "corner", "side", "half", "picture", "image")
CONTENT_WORDS = (*SHAPE_WORDS, *COLOUR_WORDS, *VERTICAL_WORDS, *HORIZONTAL_WORDS)
VOCABULARY = ("<pad>", *CONTENT_WORDS, *FILLER_WORDS)  # index 0 pads short captions and embeds to zero
WORD_INDEX = {word: index for index, word in enumerate(VOCABULARY)}
assert SHAPE_NAMES == ("circle", "square", "triangle") and COLOUR_NAMES == ("red", "green", "blue")
assert POSITION_NAMES == ("top left", "top right", "bottom left", "bottom right")

N_CAPTIONS = len(SHAPE_NAMES) * len(COLOUR_NAMES) * len(POSITION_NAMES)  # 36
MAX_WORDS = 12  # known words read per caption (fillers are dropped first): enough for every taught phrasing
MAX_TEXT_CHARS = 200
WORD_DIM = 32  # learned vector per word
COND_DIM = 32  # the caption vector the decoder and the encoder are given
PHRASINGS_PER_CAPTION = 64  # random phrasings drawn per label for training (a fixed, seeded bank)
PHRASING_SEED = 1234

HONEST_NOTE_EN = (
    "This is a toy. It knows 36 captions about three shapes, three colours and four corners, a vocabulary of "
    f"{len(VOCABULARY) - 1} words, and its preset trains for about a minute on 2,160 pictures. Real text-to-image systems "
    "learn from billions of image-text pairs collected from the web, read prompts with large pretrained text encoders "
    "(CLIP, T5) that understand grammar and words never seen with a picture, generate by diffusion in the "
    "latent space of an autoencoder rather than with a small VAE decoder, and have billions of parameters "
    "trained on thousands of GPUs. Ours ignores word order (a bag of words) and cannot draw two things at once.")
HONEST_NOTE_ZH = (
    "这只是一个玩具模型。它只认识 36 种描述：三种形状、三种颜色、四个角落，"
    f"词汇量只有 {len(VOCABULARY) - 1} 个英文单词，它的预设只在 2,160 张图片上训练约一分钟。真正的文本生成图像系统从网络上收集的数十亿图文对中学习，"
    "用大型预训练文本编码器（CLIP、T5）理解提示词，能理解语法以及从未和图片一起出现过的词；"
    "它们在自编码器的潜空间中用扩散模型生成图像，而不是用一个小小的 VAE 解码器，参数多达数十亿，"
    "要在成千上万块 GPU 上训练。我们的模型忽略词序（词袋模型），也无法同时画出两个物体。")
NO_KNOWN_WORDS_EN = ("None of the words in \u201c{text}\u201d names a shape, colour or position I know; "
                     "try words like {words}.")
NO_KNOWN_WORDS_ZH = "\u201c{text}\u201d 中没有我认识的形状、颜色或位置词；请试试这些英文单词：{words}。"


def known_words() -> list[str]:
    """The words that name something (shapes, colours, positions), for help texts and error messages."""
    return list(CONTENT_WORDS)


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """Split a caption into known vocabulary words (in order) and the unknown words it also contained.

    Lower-cases, splits on anything that is not a letter ("top-left" -> "top", "left") and reads a plural
    as its singular ("squares" -> "square", "boxes" -> "box"). Unknown words are ignored by the model.
    """
    tokens, unknown = [], []
    for word in re.findall(r"[a-z]+", str(text).lower()):
        for candidate in (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else ""):
            if candidate in WORD_INDEX and candidate != "<pad>":
                tokens.append(candidate)
                break
        else:
            unknown.append(word)
    return tokens, unknown


def parse_caption(text: str) -> dict:
    """What a caption states: {"shape", "colour", "vertical", "horizontal"} as value indices or None, plus
    "unknown" (the words it ignored). The last word for an attribute wins ("red ... blue" means blue)."""
    tokens, unknown = tokenize(text)
    parsed = {"shape": None, "colour": None, "vertical": None, "horizontal": None, "unknown": unknown}
    for token in tokens:
        for key, table in (("shape", SHAPE_WORDS), ("colour", COLOUR_WORDS), ("vertical", VERTICAL_WORDS),
                           ("horizontal", HORIZONTAL_WORDS)):
            if token in table:
                parsed[key] = table[token]
    return parsed


def label_attributes(label: int) -> dict:
    """The attributes of a shapes label: label = (shape * 3 + colour) * 4 + position."""
    position = label % 4
    return {"shape": label // 12, "colour": (label // 4) % 3, "vertical": position // 2, "horizontal": position % 2}


def canonical_caption(label: int) -> str:
    """The dataset's own caption for a label, e.g. 0 -> "red circle, top left"."""
    return shapes_class_names()[label]


def token_ids(texts: list[str]) -> torch.Tensor:
    """Captions -> int64 (B, MAX_WORDS) word indices, padded with 0.

    Raises ValueError (one sentence listing the known words) for a caption that names no shape, colour or
    position: the model would otherwise draw a random picture and pretend it understood.
    """
    rows = []
    for text in texts:
        text = str(text)
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"A caption may have at most {MAX_TEXT_CHARS} characters; this one has {len(text)}.")
        tokens, _ = tokenize(text)
        if not any(token in CONTENT_WORDS for token in tokens):
            raise ValueError(NO_KNOWN_WORDS_EN.format(text=text.strip(), words=", ".join(known_words())))
        if len(tokens) > MAX_WORDS:  # too long: filler words go first, they carry nothing
            tokens = [t for t in tokens if t in CONTENT_WORDS] + [t for t in tokens if t not in CONTENT_WORDS]
        ids = [WORD_INDEX[token] for token in tokens][:MAX_WORDS]
        rows.append(ids + [0] * (MAX_WORDS - len(ids)))
    return torch.tensor(rows, dtype=torch.int64).reshape(len(rows), MAX_WORDS)


# -- random phrasings for training ------------------------------------------------------------------------
_SHAPE_CHOICES = (("circle", "disc"), ("square", "box"), ("triangle",))
_VERTICAL_CHOICES = (("top", "upper"), ("bottom", "lower"))
_HORIZONTAL = ("left", "right")


def random_caption(label: int, rng: random.Random) -> str:
    """One natural phrasing of a label's caption; about a third leave out an attribute or part of the position."""
    attributes = label_attributes(label)
    colour = COLOUR_NAMES[attributes["colour"]]
    shape = rng.choice(_SHAPE_CHOICES[attributes["shape"]])
    vertical = rng.choice(_VERTICAL_CHOICES[attributes["vertical"]])
    horizontal = _HORIZONTAL[attributes["horizontal"]]
    say_colour, say_shape = rng.random() > 0.08, rng.random() > 0.08
    position_kind = rng.choices(("both", "vertical", "horizontal", "none"), weights=(78, 6, 6, 10))[0]
    if not (say_colour or say_shape) and position_kind == "none":
        say_colour = say_shape = True  # a caption must say something
    # the noun phrase: "red circle", "red one", "circle"
    if say_shape:
        noun = f"{colour} {shape}" if say_colour else shape
    else:
        noun = rng.choice((f"{colour} shape", f"something {colour}", f"{colour} one")) if say_colour else "shape"
    article = rng.choice(("a ", "the ", "")) if not noun.startswith("something") else ""
    noun = article + noun
    if position_kind == "none":
        return noun
    if position_kind == "both":
        place = rng.choice((f"{vertical} {horizontal}", f"{vertical}-{horizontal}", f"{vertical} {horizontal} corner"))
    elif position_kind == "vertical":
        # "at the top" but not "at the upper": the bare word only where English allows it
        place = rng.choice((f"{vertical} half",) + ((vertical,) if vertical in ("top", "bottom") else ()))
    else:
        place = rng.choice((horizontal, f"{horizontal} side"))
    template = rng.choice(("{noun}, {place}", "{noun} in the {place}", "{noun} at the {place}", "{place} {noun}",
                           "{noun} on the {place}", "in the {place} there is {noun}"))
    return template.format(noun=noun, place=place)


def phrasing_bank(per_label: int = PHRASINGS_PER_CAPTION, seed: int = PHRASING_SEED) -> torch.Tensor:
    """int64 (36, per_label, MAX_WORDS): fixed random phrasings of every label, as word indices.

    The first phrasing of each label is the canonical caption, so the exact dataset caption is always taught.
    """
    rng = random.Random(seed)
    bank = []
    for label in range(N_CAPTIONS):
        texts = [canonical_caption(label)] + [random_caption(label, rng) for _ in range(per_label - 1)]
        bank.append(token_ids(texts))
    return torch.stack(bank)


# -- the networks -----------------------------------------------------------------------------------------
class TextEncoder(nn.Module):
    """Word indices (B, MAX_WORDS) -> caption vector (B, COND_DIM): sum of word vectors, then an MLP."""

    def __init__(self, vocabulary_size: int = len(VOCABULARY)):
        super().__init__()
        self.words = nn.Embedding(vocabulary_size, WORD_DIM, padding_idx=0)
        self.mlp = nn.Sequential(nn.Linear(WORD_DIM, 64), nn.ReLU(), nn.Linear(64, COND_DIM))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # a sum, not a mean: each content word adds its meaning whatever the caption's length
        return self.mlp(self.words(tokens).sum(dim=1))  # (B, COND_DIM)


class CaptionGenerator(nn.Module):
    """The decoder: (z (B, latent), caption) -> image (B, C, H, W) in [-1, 1].

    `forward(z, labels)` uses each label's canonical caption; `from_text(z, texts)` any caption;
    `from_tokens(z, tokens)` word indices (B, MAX_WORDS) from `token_ids`.
    """

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int):
        super().__init__()
        self.latent_dim, self.sample_shape = latent_dim, tuple(sample_shape)
        self.text = TextEncoder()
        self.decoder = ConvGenerator(latent_dim + COND_DIM, sample_shape, hidden)
        # derived from the vocabulary, not learned: left out of checkpoints (persistent=False), moved with .to()
        self.register_buffer("canonical_tokens", token_ids([canonical_caption(i) for i in range(N_CAPTIONS)]),
                             persistent=False)  # (36, MAX_WORDS)
        self.register_buffer("phrasings", phrasing_bank(), persistent=False)  # (36, P, MAX_WORDS)

    def decode(self, z: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        return self.decoder(torch.cat([z, condition], dim=1))  # (B, C, H, W)

    def from_tokens(self, z: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        return self.decode(z, self.text(tokens.to(z.device)))

    def from_text(self, z: torch.Tensor, texts: list[str]) -> torch.Tensor:
        """One caption per latent (a single caption is repeated); ValueError for a caption with no known word."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        tokens = token_ids(texts)
        if tokens.shape[0] == 1:
            tokens = tokens.expand(z.shape[0], -1)
        if tokens.shape[0] != z.shape[0]:
            raise ValueError(f"Give one caption, or one per latent: got {tokens.shape[0]} for {z.shape[0]} latents.")
        return self.from_tokens(z, tokens)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:  # the contract allows it; without a caption, cycle through the 36 like a class grid
            labels = torch.arange(z.shape[0], device=z.device) % N_CAPTIONS
        return self.from_tokens(z, self.canonical_tokens.index_select(0, labels.to(z.device)))

    def random_phrasings(self, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """A random phrasing of each label's caption, drawn on the labels' device: (B,) -> (B, MAX_WORDS)."""
        pick = torch.randint(self.phrasings.shape[1], labels.shape, device=labels.device, generator=generator)
        return self.phrasings[labels, pick]


class CaptionEncoder(nn.Module):
    """q(z | image, caption): (B, C, H, W) and a caption vector (B, COND_DIM) -> (B, 2 * latent) = (mu, logvar).

    It sees the caption so that z only has to hold what the caption did not say (the position, for
    "a blue square"), which is what lets a partial caption vary its missing attributes when z is sampled.
    """

    def __init__(self, latent_dim: int, sample_shape: tuple, hidden: int):
        super().__init__()
        self.image = ConvDiscriminator(sample_shape, hidden, out_dim=64)  # used as a feature extractor
        self.head = nn.Sequential(nn.LeakyReLU(0.2), nn.Linear(64 + COND_DIM, 2 * latent_dim))

    def forward(self, images: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        features = self.image(images)  # (B, 64)
        return self.head(torch.cat([features, condition], dim=1))


# -- helpers for pages and the CLI ---------------------------------------------------------------------------
def complete_captions(text: str, n: int, seed: int = 0) -> list[str]:
    """n copies of a caption, each with the attributes it leaves out filled in by random words (seeded).

    "a blue square" -> ["lower right a blue square", "top left a blue square", ...]; a complete caption comes
    back unchanged. Raises ValueError (listing the known words) when the caption names nothing at all.
    """
    token_ids([text])  # the same check and message as everywhere else
    stated = parse_caption(text)
    rng = random.Random(seed)
    choices = (("shape", SHAPE_NAMES), ("colour", COLOUR_NAMES), ("vertical", ("top", "bottom")),
               ("horizontal", ("left", "right")))
    captions = []
    for _ in range(n):
        added = [rng.choice(words) for key, words in choices if stated[key] is None]
        captions.append(" ".join(added + [str(text)]) if added else str(text))
    return captions


def caption_to_image(generator: CaptionGenerator, text: str, n: int = 8, seed: int = 0,
                     fill_missing: bool = True) -> torch.Tensor:
    """n images (n, C, H, W) in [-1, 1], on the CPU, for one caption; same seed, same images.

    A partial caption ("a blue square") still works: with `fill_missing` each image gets the unstated
    attributes as random words first (see complete_captions), so every picture is one clean shape and the
    missing attributes vary. Without it the model reads the partial caption as it is and z has to choose the
    rest, which a VAE decoder often answers with a faint blend of the possibilities.
    Raises ValueError with one friendly sentence when the caption names no shape, colour or position.
    """
    if not 1 <= int(n) <= 1024:
        raise ValueError(f"Ask for between 1 and 1024 images, not {n}.")
    n = int(n)
    texts = complete_captions(text, n, seed) if fill_missing else [text] * n
    tokens = token_ids(texts)  # (n, MAX_WORDS); validates before any work
    device = next(generator.parameters()).device
    z = sample_latents(n, generator.latent_dim, seed).to(device)
    was_training = generator.training
    generator.eval()
    try:
        with torch.inference_mode():
            images = generator.from_tokens(z, tokens.to(device))
    finally:
        generator.train(was_training)
    return images.float().cpu()


# what a predicted shapes label (int64 tensor) says about each attribute
_ATTRIBUTE_OF_LABEL = {"shape": lambda p: p // 12, "colour": lambda p: (p // 4) % 3,
                       "vertical": lambda p: (p % 4) // 2, "horizontal": lambda p: p % 2}


def caption_accuracy(generator: CaptionGenerator, classifier, per_caption: int = 16, seed: int = 0,
                     phrased: bool = False, fill_missing: bool = True) -> dict:
    """How often the drawn picture is what the caption asked for, judged by `classifier` (the project's shapes
    classifier: gan_core.evaluation.classifier.get_classifier("shapes", size)).

    For each of the 36 labels, take its canonical caption (or, with `phrased`, a random natural phrasing that
    may leave attributes out), draw `per_caption` images and classify them. A picture is right when every
    attribute the caption states is right. Returns {"accuracy", "shape", "colour", "position" (each over the
    captions that state it), "per_caption": [36 accuracies]}.
    """
    rng = random.Random(seed)
    hits: dict[str, list] = {"accuracy": [], "shape": [], "colour": [], "position": []}
    per_label = []
    for label in range(N_CAPTIONS):
        text = random_caption(label, rng) if phrased else canonical_caption(label)
        images = caption_to_image(generator, text, per_caption, seed + label, fill_missing=fill_missing)
        predicted = classifier.predict(images).cpu()  # (per_caption,)
        stated, truth = parse_caption(text), label_attributes(label)
        right = {key: fn(predicted) == truth[key] for key, fn in _ATTRIBUTE_OF_LABEL.items() if stated[key] is not None}
        everything = torch.ones(per_caption, dtype=torch.bool)
        for value in right.values():
            everything &= value
        for key in ("shape", "colour"):
            if key in right:
                hits[key].append(right[key].float())
        if "vertical" in right or "horizontal" in right:
            position = torch.ones(per_caption, dtype=torch.bool)
            for key in ("vertical", "horizontal"):
                if key in right:
                    position &= right[key]
            hits["position"].append(position.float())
        hits["accuracy"].append(everything.float())
        per_label.append(float(everything.float().mean()))
    result = {key: float(torch.cat(values).mean()) for key, values in hits.items() if values}
    result["per_caption"] = per_label
    return result


# -- the family ---------------------------------------------------------------------------------------------
def build(config, sample_shape: tuple, n_classes: int = 0) -> nn.ModuleDict:
    """{"generator": CaptionGenerator (text encoder + decoder), "encoder": CaptionEncoder}."""
    models = nn.ModuleDict({
        "generator": CaptionGenerator(config.latent_dim, sample_shape, config.hidden),
        "encoder": CaptionEncoder(config.latent_dim, sample_shape, config.hidden),
    })
    models.apply(init_weights)
    return models


def step(trainer) -> dict:
    """One conditional-VAE update on real images paired with randomly phrased captions (negative ELBO)."""

    cfg = trainer.config
    generator, encoder = trainer.generator, trainer.models["encoder"]
    real, labels = trainer.dataset.sample_batch(cfg.batch_size, trainer.rng)  # (B, C, H, W), (B,)
    condition = generator.text(generator.random_phrasings(labels, trainer.rng))  # (B, COND_DIM)
    # encode, sample z = mu + sigma * eps (the reparameterisation trick), decode with the same caption
    return trainer.train_vae(encoder(real, condition), lambda z: generator.decode(z, condition), real)


def fixed_batch(trainer) -> tuple[torch.Tensor, torch.Tensor]:
    """72 latents in 9 rows of 8: row r is one colour-shape pair, its 4 positions twice with 2 latents."""
    labels = (torch.arange(9)[:, None] * 4 + torch.arange(8)[None, :] % 4).flatten()  # (72,)
    fixed = torch.Generator().manual_seed(trainer.config.seed + 12345)
    noise = torch.randn(2, trainer.latent_dim, generator=fixed).repeat_interleave(4, dim=0).repeat(9, 1)
    return noise, labels


def snapshot(trainer, snap: dict) -> None:
    """Name the rows of the grid: "red circle", "green circle", ... (each row shows top left .. bottom right twice)."""
    snap["row_captions"] = [f"{colour} {shape}" for shape in SHAPE_NAMES for colour in COLOUR_NAMES]


def validate(config) -> dict[str, str]:
    problems = {}
    if config.dataset != "shapes":
        problems["dataset"] = ("The caption model learns from the shapes dataset, whose labels are captions "
                               "(\"red circle, top left\"); pick shapes.")
    if config.arch == "mlp":
        problems["arch"] = "The caption model is built from conv nets; set the architecture to auto or conv."
    if config.pack > 1:
        problems["pack"] = "Packing is a GAN trick and the caption model is a VAE with no discriminator; set pack to 1."
    if config.n_critic > 1:
        problems["n_critic"] = "n_critic counts discriminator updates; the caption model has none. Set it to 1."
    return problems


FAMILY = Family(
    name="caption",
    description="Caption to image: a tiny text encoder and a conditional VAE draw the shape you describe in words.",
    description_zh="文字生成图像：一个小型文本编码器加条件 VAE，画出你用文字描述的形状。",
    build=build,
    step=step,
    images_only=True,
    needs_labels=True,
    adversarial=False,
    vae_objective=True,
    snapshot=snapshot,
    validate=validate,
    fixed_batch=fixed_batch,
    loss_keys=("loss", "recon", "kl"),
)

FAMILIES = (FAMILY,)
