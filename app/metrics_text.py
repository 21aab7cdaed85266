"""What each metric means, in English and Chinese, for the Train and Mode Collapse pages.

METRIC_INFO[key] = {"label_en", "label_zh", "better", "explain_en", "explain_zh"}: the name and the better direction
come from gan_core.evaluation.metrics (LABELS, BETTER), the explanations are the app's (EXPLAIN below).
"""
from gan_core.evaluation.metrics import BETTER, LABELS

from .i18n import t

# {metric: (english, chinese)}: what the number measures, which way is better, and what it misses
EXPLAIN = {
    "modes_covered": (
        "How many mixture modes receive at least one high-quality sample (within 3σ of the mode), or, on "
        "digits, how many classes the judge names as its best guess for at least one sample, however blurry "
        "(early blobs already spread over all ten); higher is better, but one stray sample is enough to count, "
        "so it misses badly uneven mode weights: read it beside the class KL and the pictures.",
        "统计有多少个混合模式至少得到一个高质量样本（距模式中心 3σ 以内）；对数字图像，则统计评判器的最佳猜测"
        "至少给出过一次的类别数，不论样本多模糊（早期的模糊团块就已分散到全部十类）。越高越好，但一个零散样本就能"
        "被计入，因此看不出各模式比例严重失衡：请结合类别 KL 和图片一起看。"),
    "high_quality_fraction": (
        "The share of samples within 3 standard deviations of their nearest mode; higher "
        "is better, but a generator that puts every sample on a single mode still "
        "scores 1.0.",
        "距最近模式不超过 3 个标准差的样本所占比例；越高越好，但把所有样本都放在同一个模式上的生成器"
        "也能得到 1.0。"),
    "reverse_kl": (
        "KL divergence from the mode histogram of the high-quality samples (those within 3 standard deviations "
        "of a mode) to the uniform one, in nats, as PacGAN's code computes it; lower is better (0 means every "
        "mode gets an equal share, log K means one mode gets everything). Samples far from every mode are left "
        "out, so read it with the high-quality fraction; with no high-quality sample there is no value (—).",
        "高质量样本（距某个模式 3 个标准差以内）的模式直方图相对均匀分布的 KL 散度（单位 nat），与 PacGAN 代码的算法"
        "相同；越低越好（0 表示各模式份额相同，log K 表示全部落在一个模式）。远离所有模式的样本不计入，所以要和高质量"
        "样本比例一起看；没有高质量样本时没有数值（—）。"),
    "reverse_kl_all": (
        "The same KL with every sample counted at its nearest mode, however far away it is; lower is better. It "
        "sees what the high-quality version leaves out (a cloud of poor samples piling up beside one mode), but "
        "it is not the number in the papers' tables.",
        "同样的 KL，但每个样本都计入离它最近的模式，不管离得多远；越低越好。它能看到高质量版本漏掉的东西（一团质量差的"
        "样本堆在某个模式旁边），但它不是论文表格里的那个数。"),
    "class_kl": (
        "KL divergence from the classifier's predicted class histogram of generated "
        "samples to the real class histogram; lower is better, but it only sees "
        "labels, so blurry or repeated images of the right classes can still score 0.",
        "分类器对生成样本预测的类别分布相对真实类别分布的 KL 散度；越低越好，但它只看标签，"
        "模糊或重复但类别正确的图像也可能得到 0。"),
    "precision": (
        "The share of generated samples that fall inside the k-nearest-neighbour "
        "balls of real samples (fidelity); higher is better, but outliers in the real "
        "data inflate the balls and it says nothing about diversity.",
        "落入真实样本 k 近邻球内的生成样本比例（逼真度）；越高越好，但真实数据中的离群点会撑大这些球，"
        "而且它不反映多样性。"),
    "recall": (
        "The share of real samples that fall inside the k-nearest-neighbour balls of "
        "generated samples (diversity); higher is better, but a few generated outliers "
        "with large balls can inflate it.",
        "落入生成样本 k 近邻球内的真实样本比例（多样性）；越高越好，但少数半径很大的生成离群点"
        "会把它抬高。"),
    "density": (
        "How many real-sample neighbourhoods contain each generated sample, divided by "
        "k (fidelity, about 1 when the distributions match); higher is better up to "
        "about 1, and values above 1 can mean samples crowd into the densest real "
        "regions rather than better quality.",
        "每个生成样本平均落在多少个真实样本邻域内，再除以 k（逼真度，分布一致时约为 1）；"
        "在 1 左右以内越高越好，超过 1 可能只是样本挤在真实数据最密集的区域。"),
    "coverage": (
        "The share of real samples whose k-nearest-neighbour ball contains at least "
        "one generated sample (diversity); higher is better and it is robust to "
        "outliers, but it cannot tell whether the covered regions get the right share "
        "of samples.",
        "其 k 近邻球内至少有一个生成样本的真实样本比例（多样性）；越高越好且不易受离群点影响，"
        "但看不出各区域得到的样本份额是否正确。"),
    "fd": (
        "The Frechet distance between Gaussians fitted to real and generated features "
        "(the feature space named under this list: this project's small classifier for "
        "labelled images, raw pixels for other images, the coordinates themselves for "
        "2-D points; not Inception FID, so not comparable with published FIDs); lower "
        "is better, but it only compares means and covariances and is biased upward for "
        "small sample sizes.",
        "对真实与生成特征各拟合一个高斯后计算的 Fréchet 距离（特征空间见本列表下方：带标签的图像用本项目的"
        "小型分类器特征，其他图像用原始像素，二维点直接用坐标；不是 Inception FID，不能与论文中的 FID 比较）；"
        "越低越好，但它只比较均值和协方差，且样本少时会偏大。"),
    "kid": (
        "An unbiased kernel (MMD) distance with a cubic polynomial kernel between real "
        "and generated features (the same feature space as FD); lower is better and about 0 for matching "
        "distributions, but it can be slightly negative and is noisy on small samples.",
        "用三次多项式核在真实与生成的特征（与 FD 相同的特征空间）之间计算的无偏核距离（MMD）；越低越好，分布一致时约为 0，"
        "但可能略小于 0，且样本少时波动较大。"),
    "ndb_k": (
        "The fraction of k-means bins of the real features whose share of generated "
        "samples differs significantly from the real share; lower is better (about "
        "0.05 by chance even for a perfect generator), but the bins are coarse and "
        "ignore detail inside a bin.",
        "在真实特征上用 k-means 分箱后，生成样本所占份额与真实份额存在显著差异的分箱比例；越低越好"
        "（即使生成器完美，也会因偶然约有 0.05），但分箱很粗，看不到箱内细节。"),
    "jsd": (
        "The Jensen-Shannon divergence between the real and generated bin histograms, "
        "from 0 to ln 2; lower is better, but like NDB it only sees which bin a sample "
        "falls into, not its quality.",
        "真实与生成样本分箱直方图之间的 Jensen-Shannon 散度，范围为 0 到 ln 2；越低越好，但与 NDB "
        "一样只看样本落在哪个箱，不看样本质量。"),
    "diversity": (
        "The mean distance between pairs of generated samples in feature space; higher "
        "means more varied and it drops when samples repeat, but pure noise also "
        "scores high, so it is read next to the real data's own value (shown in its row): "
        "the run closest to it is best.",
        "生成样本两两之间在特征空间中的平均距离；越高表示越多样，样本重复时会下降，但纯噪声也会得高分，"
        "所以要和真实数据自身的数值（显示在该行中）对照着看：最接近它的训练最好。"),
    "kl": (
        "How badly the generated 2-D density explains the real points, from smoothed histograms on a "
        "grid. It grows without bound when the generator leaves real regions empty (missed modes).",
        "由网格上平滑直方图估计：生成的二维密度解释真实点有多差。生成器漏掉真实区域（丢失模式）时会无限增大。"),
    "js": (
        "A symmetric, bounded cousin of KL (0 to ln 2 ≈ 0.693). It saturates at ln 2 when real and "
        "generated points do not overlap: the classic reason the original GAN's gradients vanish.",
        "KL 的对称有界版本（0 到 ln 2 ≈ 0.693）。真实点与生成点不重叠时它停在 ln 2：这正是原始 GAN 梯度消失的经典原因。"),
    "sample_ms": (
        "Wall-clock milliseconds to draw one sample on this machine, batched: after a warm-up call, the "
        "median of up to 7 calls, with the fastest and slowest in brackets. A GAN or VAE needs one "
        "forward pass; a diffusion model runs its denoiser once per sampling step, which is the price "
        "of covering every mode. Timings are noisy on a shared machine, so runs whose times overlap or "
        "lie within a factor of 4 of each other get no ★: compare orders of magnitude.",
        "在本机上批量生成一个样本所需的毫秒数：先预热一次，再取最多 7 次调用的中位数，括号里是最快和最慢的一次。"
        "GAN 或 VAE 只需一次前向计算；扩散模型每个采样步都要运行一次去噪网络，这是它覆盖所有模式的代价。"
        "共享机器上计时有波动，因此时间范围重叠或相差不到 4 倍的训练不标 ★：请比较数量级。"),
}

METRIC_INFO: dict[str, dict] = {
    key: {"label_en": LABELS[key][0], "label_zh": LABELS[key][1], "better": BETTER[key],
          "explain_en": EXPLAIN[key][0], "explain_zh": EXPLAIN[key][1]}
    for key in BETTER
}

# the feature space a distance is measured in, by the id gan_core.evaluation gives it ("classifier:digits")
FEATURE_SPACES = {
    "coordinates": ("2-D coordinates", "二维坐标"),
    "pixels": ("raw pixels", "原始像素"),
    "classifier": ("{data}-classifier features", "{data} 分类器特征"),
}


def feature_space_label(space_id: str, fallback: str = "") -> str:
    """The words for a feature space id ("coordinates", "pixels", "classifier:<data>") in the page's language."""
    kind, _, data = (space_id or "").partition(":")
    return t(FEATURE_SPACES, kind, data=data) if kind in FEATURE_SPACES else (fallback or space_id)
