"""Every label and explanation of the Train page, in English and Chinese: {key: (english, chinese)}."""
from gan_core.config import LOSS_DESCRIPTIONS

TEXT = {
    "chart_family_loss": ("{model}: training loss", "{model}：训练损失"),
    "chart_family": ("{model}: its own numbers", "{model}：专属指标"),
    "picture_step": ("**{title}** (step {step:,})", "**{title}**（第 {step:,} 步）"),
    "family_resolution": ("Current resolution: {size}×{size}; fade-in α = {alpha:.2f} (1 = the new layer fully in).",
                          "当前分辨率：{size}×{size}；淡入 α = {alpha:.2f}（1 表示新层完全接入）。"),
    "family_chain": ("Denoising, from pure noise (left) to a sample (right)", "去噪过程：从纯噪声（左）到样本（右）"),
    "family_stage1": ("Stage I: the low-resolution sketch (stage II above refines it)",
                      "第一阶段：低分辨率草图（上方第二阶段对其细化）"),
    "translation_rows": ("From the top: {rows}.", "自上而下：{rows}。"),
    "style_mix_sources": ("Top row: the column sources; left column: the row sources (the dark corner is empty).",
                          "第一行：列的来源；最左列：行的来源（左上角的暗格是空的）。"),
    "style_mix_layers": ("Each cell takes layers 0–{last} from its row and the rest from its column.",
                         "每一格的第 0–{last} 层来自它的行，其余层来自它的列。"),
    "family_style_mix": ("Style mixing: rows give coarse styles, columns the fine ones",
                         "风格混合：行提供粗粒度风格，列提供细粒度风格"),
    "family_options": ("Model options", "模型选项"),
    "diffusion_steps": ("Noise levels T", "噪声级数 T"),
    "diffusion_steps_help": ("How many small noising steps turn an image into pure noise during training. "
                             "More levels = smaller steps to undo.", "训练时把图像变成纯噪声所用的加噪步数。级数越多，每步要去除的噪声越少。"),
    "sample_steps": ("Sampling steps", "采样步数"),
    "sample_steps_help": ("Denoising steps used to draw a sample (DDIM). Fewer is faster but rougher; a GAN needs one "
                          "forward pass.", "生成一个样本所用的去噪步数（DDIM）。越少越快但越粗糙；GAN 只需一次前向计算。"),
    "stage_steps": ("Steps per resolution", "每个分辨率的步数"),
    "stage_steps_help": ("Steps spent at each resolution (4×4, 8×8, ...), the first half fading the new layer in. "
                         "0 splits the run evenly.", "每个分辨率（4×4、8×8……）训练的步数，前一半用于新层淡入。0 表示平均分配。"),
    "task": ("Translation task", "翻译任务"),
    "task_help": ("Which toy image-to-image task to learn; the source images are made from the dataset itself.",
                  "要学习的玩具图像翻译任务；源图像由数据集本身生成。"),
    # -- page ---------------------------------------------------------------------------------------
    "title": ("Train a generative model", "训练生成模型"),
    "setup_title": ("Set up the next run", "设置下一次训练"),
    "intro": ("Pick a preset and press **Start**: watch the samples and the curves change while the model learns.",
              "选一个预设，按 **开始**：模型学习时，看样本和曲线如何变化。"),
    # -- settings -------------------------------------------------------------------------------------
    "preset": ("Preset", "预设"),
    "preset_help": ("A ready-made experiment. Choosing one fills in every setting below; you can still change them.",
                    "现成的实验。选择后会填好下面所有设置，你仍然可以修改。"),
    "preset_modified": ("Settings changed from the preset.", "设置已在预设基础上修改。"),
    # beside a live run of other settings: the story below is the preset picked for the next run, not this one
    "next_run": ("Next run:", "下一次训练："),
    "preset_reset": ("Back to {preset}'s settings", "恢复 {preset} 的设置"),
    "start": ("Start training", "开始训练"),
    "start_help": ("Start a new run with these settings.", "用这些设置开始一次新的训练。"),
    "too_big": ("This run would need about {need} of memory ({params:.1f}M parameters), more than the {limit} a run "
                "may use on this server: make the network narrower, the images smaller or the batch smaller.",
                "这个训练大约需要 {need} 内存（{params:.1f}M 个参数），超过了本服务器每个训练可用的 {limit}："
                "请减小网络宽度、图像尺寸或批大小。"),
    "cost": ("about {memory}, ~{seconds} s a step", "约 {memory}，每步约 {seconds} 秒"),
    "cost_memory": ("about {memory}", "约 {memory}"),
    "start_blocked": ("Fix the settings marked in red below to start.", "请先修正下面标红的设置，再开始训练。"),
    "replace": ("Stop my current run when I start a new one", "开始新训练时停止我当前的训练"),
    "replace_help": ("The server runs only a few trainings at once; a new run otherwise waits in the queue until "
                     "your current one ends.",
                     "服务器同时只运行少量训练；否则新的训练会排队，等你当前的训练结束。"),
    "replaced": ("Stopped {runs} to start this run: its pictures and charts stay under Run to watch, and it can still "
                 "be saved. To keep a run training beside a new one, untick \"Stop my current run when I start a new "
                 "one\" in Settings.",
                 "为了开始这次训练，已停止 {runs}：它的图片和图表仍可在“查看的训练”里找到，也仍然可以保存。想让它和新训练同时进行，"
                 "请在“设置”里取消勾选“开始新训练时停止我当前的训练”。"),
    "settings": ("Settings", "设置"),
    "advanced": ("Advanced settings", "高级设置"),
    "tricks": ("GAN tricks", "GAN 技巧"),
    "optimisation": ("Optimisation", "优化"),
    "network": ("Network and data size", "网络与数据尺寸"),
    "dataset": ("Dataset", "数据集"),
    "model": ("Model", "模型"),
    "loss": ("Loss", "损失函数"),
    "loss_vae_note": ("A VAE has no discriminator, so it ignores the GAN loss and the GAN tricks.",
                      "VAE 没有判别器，因此忽略 GAN 损失和 GAN 技巧。"),
    "loss_no_d_note": ("This model has no discriminator, so it ignores the GAN loss and the GAN tricks.",
                       "这个模型没有判别器，因此忽略 GAN 损失和 GAN 技巧。"),
    "steps": ("Training steps", "训练步数"),
    "seed": ("Random seed", "随机种子"),
    "seed_help": ("The same seed and settings give the same run.", "相同的种子和设置会得到相同的训练过程。"),
    "data_root": ("Data folder", "数据文件夹"),
    "data_root_help": ("The folder that holds MNIST/, FashionMNIST/ or cifar-10-batches-bin/. Latent Lab never "
                       "downloads anything.", "存放 MNIST/、FashionMNIST/ 或 cifar-10-batches-bin/ 的文件夹。"
                       "Latent Lab 从不下载任何东西。"),
    "data_root_missing": ("{dataset} is read from files on this computer: type the folder that holds them.",
                          "{dataset} 需要读取本机上的文件：请填写存放这些文件的文件夹。"),
    "image_size": ("Image size (pixels)", "图像尺寸（像素）"),
    "points_no_size": ("2-D points have no image size.", "二维点没有图像尺寸。"),
    "batch_size": ("Batch size", "批大小"),
    "latent_dim": ("Latent size (z dimensions)", "潜变量维度（z 的维数）"),
    "hidden": ("Network width", "网络宽度"),
    "hidden_help": ("Units per layer for the MLPs, base channels for the conv nets.",
                    "MLP 每层的单元数；卷积网络的基础通道数。"),
    "depth": ("MLP hidden layers", "MLP 隐藏层数"),
    "arch": ("Architecture", "网络结构"),
    "arch_help": ("auto: an MLP for 2-D points, a small DCGAN-style conv net for images.",
                  "auto：二维点用 MLP，图像用小型 DCGAN 式卷积网络。"),
    "lr_g": ("Learning rate of G (decoder for a VAE)", "G 的学习率（VAE 为解码器）"),
    "lr_d": ("Learning rate of D (encoder for a VAE)", "D 的学习率（VAE 为编码器）"),
    "lr_decay": ("Anneal the learning rates to zero", "学习率逐步降到零"),
    "lr_decay_help": ("Both learning rates fall linearly to 0 over the run: the last steps only polish, so the "
                      "final samples are sharper.", "两个学习率在训练过程中线性降到 0：最后几步只做微调，最终样本更清晰。"),
    "precision": ("Precision (bf16 mixed precision: faster on recent CPUs and GPUs)",
                  "数值精度（bf16 混合精度：在较新的 CPU 和 GPU 上更快）"),
    "precision_help": ("fp32: everything in 32-bit floats, as usual. bf16 runs the networks' matrix products in "
                       "bfloat16 (mixed precision), which can make a step up to about twice as fast on CPUs with "
                       "native bf16 (e.g. AMD Zen 4, recent Intel Xeon) and on GPUs. The weights and the optimiser "
                       "stay 32-bit, but every forward pass rounds to bfloat16 (about 3 significant digits), so "
                       "results can differ slightly. A CPU without native bf16 would run it many times slower, so "
                       "there a run asked for bf16 trains in fp32 (and says so).",
                       "fp32：全部用 32 位浮点数，和平常一样。bf16 用 bfloat16 计算网络中的矩阵乘法（混合精度）："
                       "在支持原生 bf16 的 CPU（如 AMD Zen 4、较新的 Intel Xeon）和 GPU 上，每步最多可快约一倍。"
                       "权重和优化器仍是 32 位，但每次前向传播都会舍入到 bfloat16（约 3 位有效数字），结果可能略有不同。"
                       "不支持原生 bf16 的 CPU 运行 bf16 会慢很多倍，所以在这样的 CPU 上，选择 bf16 的训练会改用 fp32（并会说明）。"),
    "spectral_norm": ("Spectral norm on D", "D 使用谱归一化"),
    "spectral_norm_help": ("Limits how sharply D can change (each layer's largest singular value is 1): steadier "
                           "training.", "限制 D 的变化幅度（每层最大奇异值为 1）：训练更稳定。"),
    "r1_gamma": ("R1 penalty γ (0 = off)", "R1 惩罚 γ（0 = 关闭）"),
    "r1_help": ("Penalises D's gradient on real data so it cannot become a cliff.",
                "惩罚 D 在真实数据上的梯度，防止它变成陡崖。"),
    "pack": ("Pack (PacGAN)", "打包数（PacGAN）"),
    "pack_help": ("D judges this many samples at once, so it can notice when they are all alike.",
                  "D 一次判断这么多个样本，从而能发现它们是否都一样。"),
    "minibatch_std": ("Minibatch standard deviation", "小批量标准差"),
    "minibatch_std_help": ("Gives D the batch's spread as an extra feature: a collapsed batch is easy to spot.",
                           "把批内样本的离散程度作为 D 的额外特征：崩溃的批次很容易被发现。"),
    "n_critic": ("D updates per G update (n_critic)", "每次 G 更新对应的 D 更新次数（n_critic）"),
    "label_smoothing": ("One-sided label smoothing", "单侧标签平滑"),
    "label_smoothing_help": ("Real targets become 1 − this value, so D is never fully sure.",
                             "真实样本的目标变为 1 − 该值，使 D 永远不会完全确定。"),
    "beta": ("VAE β (weight of the KL term)", "VAE β（KL 项的权重）"),
    "beta_gan_note": ("β only matters for a VAE.", "β 只对 VAE 有效。"),
    "lr_d_unused_note": ("This model trains one network, with the learning rate of G.",
                         "这个模型只训练一个网络，使用 G 的学习率。"),
    "warn_minimax": ("The original saturating loss: while D easily spots fakes, G gets almost no gradient, so "
                     "early training can stall. That is why 'ns' is the usual choice.",
                     "原始的饱和损失：当 D 轻易识破假样本时，G 几乎得不到梯度，早期训练可能停滞。因此通常选择“ns”。"),
    "warn_lr_ratio": ("G learns {ratio:.0f}× faster than D: a classic recipe for mode collapse.",
                      "G 的学习速度是 D 的 {ratio:.0f} 倍：典型的模式崩溃配方。"),
    "warn_smoothing_ignored": ("Label smoothing has no effect with the {loss} loss.",
                               "标签平滑对 {loss} 损失没有作用。"),
    "warn_big_run": ("{steps:,} steps will take a while on a CPU; the preset's step count is a good start.",
                     "在 CPU 上 {steps:,} 步需要较长时间；可以先用预设的步数。"),
    "data_error": ("Cannot load the data: {message}", "无法加载数据：{message}"),
    # -- resume from a checkpoint ------------------------------------------------------------------
    "resume_title": ("Continue from a checkpoint", "从检查点继续训练"),
    "resume_pick": ("Checkpoint", "检查点"),
    "resume_none": ("No checkpoints yet: save a run, or build the demos with `python -m gan_core demos`.",
                    "还没有检查点：保存一次训练，或用 `python -m gan_core demos` 生成演示模型。"),
    "resume_steps": ("Extra steps", "追加步数"),
    "resume_start": ("Continue training", "继续训练"),
    "resume_info": ("{dataset} · {model} · {step:,} steps so far", "{dataset} · {model} · 已训练 {step:,} 步"),
    "resume_started": ("Continuing {name} for {steps:,} more steps.", "继续训练 {name}，追加 {steps:,} 步。"),
    # -- run controls -----------------------------------------------------------------------------------
    "watch": ("Run to watch", "查看的训练"),
    "no_run": ("No run yet: pick a preset above and press **Start training**.",
               "还没有训练：在上方选择预设并按 **开始训练**。"),
    "pause": ("Pause", "暂停"),
    "resume": ("Resume", "继续"),
    "step": ("Step", "单步"),
    "step_help": ("While paused: run exactly one training step (one D update and one G update) and look at "
                  "what changed.", "暂停时：只运行一步训练（一次 D 更新和一次 G 更新），看看发生了什么变化。"),
    "stop": ("Stop", "停止"),
    # -- live controls: the run that is training now (app/train_live.py) ------------------------------------
    "step_both_help": ("While paused: one whole training step (n_critic D updates, then one G update).",
                       "暂停时：完整的一步训练（n_critic 次 D 更新，再一次 G 更新）。"),
    "step_d": ("Step D", "单步 D"),
    "step_d_help": ("While paused: update only the discriminator (n_critic times); G stays frozen. Watch D's "
                    "opinion (the background) sharpen around the real data.",
                    "暂停时：只更新判别器（n_critic 次），G 保持不动。观察 D 的判断（背景）在真实数据周围变得更清晰。"),
    "step_g": ("Step G", "单步 G"),
    "step_g_help": ("While paused: update only the generator once; D stays frozen. Watch the generated points "
                    "move the way D's opinion pushes them.",
                    "暂停时：只更新生成器一次，D 保持不动。观察生成的点顺着 D 的判断被推动。"),
    "live_title": ("This run, live", "当前训练（实时）"),
    "live_scope": ("Everything in this box changes the run that is training now, from its next step. The "
                   "**Settings** further down are for the next run you start.",
                   "这个框里的一切都会改变正在进行的训练，从下一步开始生效。下方的**设置**用于你下一次开始的训练。"),
    "slowmo": ("Slow motion", "慢动作"),
    "slowmo_help": ("Wait this long after every step, so a class can follow each update; 'off' trains at full "
                    "speed. Changes the running job at once.",
                    "每一步之后等待这么久，便于全班跟上每次更新；“关”表示全速训练。立即作用于正在进行的训练。"),
    "slowmo_off": ("off", "关"),
    "slowmo_seconds": ("{seconds:g} s per step", "每步 {seconds:g} 秒"),
    "live_settings": ("Change this run's settings while it trains", "训练中修改当前训练的设置"),
    "live_settings_intro": ("The network stays as it is; these take effect from the next step and are marked on "
                            "the loss and D charts with a dashed line.",
                            "网络结构保持不变；这些设置从下一步开始生效，并在损失图和 D 图上用虚线标出。"),
    "live_settings_intro_no_d": ("The network stays as it is; these take effect from the next step and are marked "
                                 "on the charts with a dashed line.",
                                 "网络结构保持不变；这些设置从下一步开始生效，并在图中用虚线标出。"),
    # the learning rates as the running model has them (the form's labels cover every model at once)
    "live_lr_g_gan": ("Learning rate of G", "G 的学习率"),
    "live_lr_d_gan": ("Learning rate of D", "D 的学习率"),
    "live_lr_g_vae": ("Learning rate of the decoder", "解码器的学习率"),
    "live_lr_d_vae": ("Learning rate of the encoder", "编码器的学习率"),
    "live_lr_single": ("Learning rate", "学习率"),
    "live_apply": ("Apply to this run", "应用到当前训练"),
    "live_apply_help": ("Change the running job now; the form under Settings is not changed.",
                        "立即修改正在进行的训练；“设置”中的表单不会改变。"),
    "live_applied": ("Applied from step {step:,}: {changes}.", "已从第 {step:,} 步起应用：{changes}。"),
    "live_nothing": ("Nothing to apply: these already are the run's settings.", "没有需要应用的改动：这些已经是当前训练的设置。"),
    "live_range": ("{field} must be between {low} and {high}.", "{field} 必须在 {low} 到 {high} 之间。"),
    "live_history": ("Changes so far (dashed lines on the charts):", "到目前为止的改动（图中的虚线）："),
    "live_event": ("from step {step:,}: {changes}", "自第 {step:,} 步起：{changes}"),
    "settings_next_run": ("These settings are for the **next run** you start with *Start training*. A run that is "
                          "training is changed in the **This run, live** box above the settings.",
                          "这些设置用于你按“开始训练”后的**下一次训练**。正在进行的训练请在设置上方的"
                          "**当前训练（实时）** 框中修改。"),
    "diverged_hint": ("The weights were rolled back to the last good snapshot, so **Save** still keeps a working "
                      "model. To try again, lower the learning rates (or turn on spectral norm or an R1 penalty) "
                      "and press Start.",
                      "权重已回滚到最后一个正常的快照，所以**保存**仍能得到可用的模型。若要重试，请降低学习率"
                      "（或打开谱归一化、R1 惩罚）后再按“开始训练”。"),
    "save_name": ("Checkpoint name", "检查点名称"),
    "save": ("Save checkpoint", "保存检查点"),
    "save_short": ("Save", "保存"),
    "save_help": ("Save this run now (training goes on). It appears at once on the other pages.",
                  "立即保存这次训练（训练不会中断）。它会立刻出现在其他页面上。"),
    # no server path: it means nothing to a student, and the popover covered half of it
    "saved": ("Saved **{name}**. It is now listed on Sample & Blend and Mode Collapse.",
              "已保存 **{name}**，现在可以在“采样与混合”和“模式崩溃”页面中找到它。"),
    "save_failed": ("Could not save: {message}", "保存失败：{message}"),
    "job_limit": ("{message}", "{message}"),
    "queued_behind": ("Waiting for a free slot: position {position} in the queue. It starts by itself as soon as "
                      "a run ends. ",
                      "正在等待空闲名额：排在第 {position} 位。一旦有训练结束就会自动开始。"),
    # what it waits for: the person's own runs by name, or other people's (never named)
    "queued_yours": ("Your run {names} holds a slot: stop it to start this one now.",
                     "你的训练 {names} 占着一个名额：停止它即可立即开始这一个。"),
    "queued_yours_many": ("Your runs {names} hold slots: stop one to start this one now.",
                          "你的训练 {names} 占着名额：停止其中一个即可立即开始这一个。"),
    # not first in line: stopping one's own run starts the run at the head of the queue, not this one
    "queued_yours_later": ("Your run {names} holds a slot too; runs ahead of this one start first.",
                           "你的训练 {names} 也占着一个名额；排在前面的训练会先开始。"),
    "queued_yours_later_many": ("Your runs {names} hold slots too; runs ahead of this one start first.",
                                "你的训练 {names} 也占着名额；排在前面的训练会先开始。"),
    "queued_paused": (" (paused: a paused run keeps its slot)", "（已暂停：暂停的训练仍占着名额）"),
    # (with Ray workers the slots are the cluster's, shared by every app server on it)
    "queued_others": ("{slots} runs train at once here, and other people's runs fill every slot.",
                      "这里同时训练 {slots} 个任务，目前都被其他人的训练占满。"),
    "queued_others_one": ("One run trains at a time here, and another person's run has the slot.",
                          "这里一次只训练一个任务，目前被其他人的训练占着。"),
    "list_and": (" and ", "和"),
    "preparing": ("Preparing the data and the networks…", "正在准备数据和网络……"),
    "where": ("Training on the Ray cluster's node {node}, device {device}.", "在 Ray 集群的节点 {node} 上训练，设备：{device}。"),
    # -- status -------------------------------------------------------------------------------------------
    "status_queued": ("waiting", "排队中"),
    "status_running": ("training", "训练中"),
    "status_paused": ("paused", "已暂停"),
    "status_finished": ("finished", "已完成"),
    "status_stopped": ("stopped", "已停止"),
    "status_failed": ("failed", "失败"),
    "progress": ("Step {step:,} / {target:,} · {status}", "第 {step:,} / {target:,} 步 · {status}"),
    "speed": (" · {rate} steps/s", " · 每秒 {rate} 步"),
    "speed_slow": (" · {seconds} s a step", " · 每步 {seconds} 秒"),  # under one step a second ("0 steps/s" before)
    "eta": (" · about {eta} left", " · 约剩 {eta}"),
    "eta_floor": (" · at least {eta} left (larger sizes train slower)", " · 至少还要 {eta}（尺寸越大训练越慢）"),
    "failed_title": ("Training stopped with a problem", "训练因问题而停止"),
    "bf16_fallback": ("This device cannot train in bf16 at speed (a CPU without native bf16 runs it many times "
                      "slower), so this run trains in fp32, the usual precision.",
                      "此设备无法高速运行 bf16（不支持原生 bf16 的 CPU 运行它会慢很多倍），所以本次训练使用常规的 fp32。"),
    "finished_note": ("Done. Save the run to use it on the other pages, or scrub through it below.",
                      "完成。保存这次训练即可在其他页面中使用，或在下方回看训练过程。"),
    # -- live panel -----------------------------------------------------------------------------------
    "samples_title": ("Samples from the same fixed z (step {step:,})", "固定 z 生成的样本（第 {step:,} 步）"),
    "samples_title_noise": ("Samples from the same starting noise (step {step:,})",
                            "从同一批起始噪声去噪得到的样本（第 {step:,} 步）"),
    "samples_title_sources": ("The same held-out sources, translated (step {step:,})",
                              "同一批留出源图像的翻译（第 {step:,} 步）"),
    "samples_cond": ("Each row asks for one class; from the top: {classes}.", "每一行指定一个类别，自上而下：{classes}。"),
    "samples_rows": ("Each row asks for one colour and shape; from the top: {rows}. Across: top left, top right, "
                     "bottom left, bottom right, then the same four places from a second latent.",
                     "每一行指定一种颜色和形状，自上而下：{rows}。从左到右：左上、右上、左下、右下，"
                     "然后用第二个潜在向量再画这四个位置。"),
    "real_title": ("Real data, to compare", "真实数据（用于对比）"),
    "points_title": ("Real points, generated points and D's opinion (step {step:,})",
                     "真实点、生成点与 D 的判断（第 {step:,} 步）"),
    "vae_points_title": ("Real points and decoded samples (step {step:,})", "真实点与解码样本（第 {step:,} 步）"),
    "arrows": ("Show where G is pushed (gradient arrows)", "显示 G 被推动的方向（梯度箭头）"),
    "arrows_help": ("Each arrow starts at a generated point and points where the generator's loss pushes it.",
                    "每个箭头从一个生成点出发，指向生成器损失推动它的方向。"),
    "legend_real": ("real data", "真实数据"),
    "legend_fake": ("generated G(z)", "生成的 G(z)"),
    "legend_arrows": ("push on G(z)", "对 G(z) 的推动"),
    "colorbar_prob": ("D(x): chance real", "D(x)：判为真的概率"),
    "colorbar_score": ("critic score", "评判分数"),
    "codes_title": ("Where the encoder puts real data: the latent space (first two dimensions)",
                    "编码器把真实数据放在哪里：潜空间（前两维）"),
    "codes_title_2d": ("Where the encoder puts real data: the latent space", "编码器把真实数据放在哪里：潜空间"),
    "chart_loss": ("Losses", "损失"),
    "chart_vae_loss": ("VAE losses (per sample)", "VAE 损失（每个样本）"),
    "chart_d_prob": ("{real} and {fake}: D's probability of 'real'", "{real} 与 {fake}：D 判为“真”的概率"),
    # short enough for half the page at 1280 px: the longer title was cut after "not probab"
    "chart_d_score": ("Critic scores ({loss}: not probabilities)", "评判分数（{loss}：不是概率）"),
    "chart_grad": ("Gradient norms (log scale)", "梯度范数（对数坐标）"),
    "chart_metrics": ("Sample quality (measured every {every} steps)", "样本质量（每 {every} 步测一次）"),
    # a run whose length is not a multiple of the interval is also measured at its last step (Trainer.step)
    "chart_metrics_end": ("Sample quality (every {every} steps and at the end)",  # (a title fits 52 characters)
                          "样本质量（每 {every} 步及结束时各测一次）"),
    "waiting_curves": ("The curves appear after the first steps.", "训练开始几步后会出现曲线。"),
    "trace_loss_d": ("D loss", "D 损失"),
    "trace_loss_g": ("G loss", "G 损失"),
    "chart_d_mixed": ("D on real and fake, across the loss change", "D 对真实与生成样本的输出（换损失前后）"),
    "trace_real": ("real", "真实"),  # short: four of them share a legend in a half-page chart
    "trace_fake": ("fake", "生成"),
    "axis_probability": ("probability (ns, minimax)", "概率（ns、minimax）"),
    "axis_score": ("raw score ({scores})", "原始分数（{scores}）"),
    "trace_d_real": ("{real} on real", "{real}（真实）"),
    "trace_d_fake": ("{fake} on fake", "{fake}（生成）"),
    "trace_score_real": ("score on real", "真实样本分数"),
    "trace_score_fake": ("score on fake", "生成样本分数"),
    "trace_grad_d": ("D", "D"),
    "trace_grad_g": ("G", "G"),
    "trace_grad_denoiser": ("denoiser ε<sub>θ</sub>", "去噪网络 ε<sub>θ</sub>"),  # (plotly draws <sub>)
    "trace_grad_enc": ("encoder", "编码器"),
    "trace_grad_dec": ("decoder", "解码器"),
    "trace_recon": ("reconstruction", "重建误差"),
    "trace_kl": ("KL", "KL"),
    "trace_total": ("total (−ELBO)", "总损失（−ELBO）"),
    "trace_penalty": ("penalty", "惩罚项"),
    "equilibrium": ("0.5 = D cannot tell", "0.5 = D 无法分辨"),
    "axis_step": ("step", "步数"),
    "steps_unit": ("steps", "步"),
    "better_higher": ("higher is better", "越高越好"),
    "better_lower": ("lower is better", "越低越好"),
    "metric_note": ("({parts})", "（{parts}）"),  # a metric's notes after its name: (of 8, higher is better)
    "note_separator": (", ", "，"),
    "modes_of": ("of {total}", "共 {total} 个"),
    "classes_covered": ("Classes covered", "覆盖的类别数"),
    # a family that grows (ProGAN): the class judge read 4-px blobs as every class, so it waits for full size
    "classes_full_size": ("judged at full size only", "只在全尺寸时评判"),
    "metrics_wait_full_size": ("The sample-quality chart starts when G draws at full size, its last block faded "
                               "in: the class judge reads smaller pictures, enlarged, as a spread of every class.",
                               "样本质量图要等 G 画到全尺寸、最后一个模块完全淡入后才开始：类别判别器会把放大的小图读成"
                               "每个类别都有一点。"),
    "smoothing_note": ("Bold lines are smoothed (moving average); the faint lines are the raw values.",
                       "粗线是平滑后的曲线（滑动平均）；淡色细线是原始数值。"),
    "timeline": ("Scrub through the run", "回看训练过程"),
    "timeline_help": ("Every saved snapshot of this run, oldest to newest.", "这次训练保存的所有快照，从旧到新。"),
    "timeline_paused_only": ("Pause or wait for the end to scrub back through earlier snapshots.",
                             "暂停或等训练结束后，可以回看之前的快照。"),
    "gif": ("Download the run as a GIF", "下载训练过程动画（GIF）"),
    "gif_help": ("An animation of every snapshot of this run (the samples on the fixed z).",
                 "这次训练所有快照的动画（固定 z 的样本）。"),
    "eta_seconds": ("{s} s", "{s} 秒"),
    "eta_minutes": ("{m} min {s} s", "{m} 分 {s} 秒"),
    # -- what am I looking at -------------------------------------------------------------------------
    "explain_title": ("What am I looking at?", "我在看什么？"),
    "explain_gan_game": ("A **GAN** is a two-player game. The generator **G** turns random noise z into samples; the "
                         "discriminator **D** learns to tell real data x from G's fakes. D maximises and G minimises",
                         "**GAN** 是一个双人博弈。生成器 **G** 把随机噪声 z 变成样本；判别器 **D** 学习区分真实数据 x "
                         "和 G 的伪造样本。D 最大化、G 最小化"),
    "explain_gan_game_translation": ("A **GAN** is a two-player game. Here the generator **G** turns a source image "
                                     "into a target image; the discriminator **D** learns to tell real targets from "
                                     "G's. D maximises and G minimises",
                                     "**GAN** 是一个双人博弈。这里生成器 **G** 把源图像变成目标图像；判别器 **D** "
                                     "学习区分真实目标图像和 G 画的。D 最大化、G 最小化"),
    "explain_ns": ("In practice G uses the **non-saturating** loss: instead of minimising log(1 − D(G(z))), "
                   "G maximises",
                   "实践中 G 使用**非饱和**损失：不是最小化 log(1 − D(G(z)))，而是最大化"),
    "explain_ns_why": ("which gives G strong gradients exactly when D is winning.",
                       "这样在 D 占上风时 G 仍能得到较强的梯度。"),
    "explain_minimax": ("This run uses the **original** objective for G too (loss 'minimax'): when D easily "
                        "rejects fakes, log(1 − D(G(z))) is flat and G hardly learns.",
                        "本次训练 G 也使用**原始**目标（损失“minimax”）：当 D 轻易拒绝假样本时，"
                        "log(1 − D(G(z))) 很平坦，G 几乎学不到东西。"),
    "explain_other_loss": ("This run uses the **{loss}** loss ({description}). Its D outputs are raw scores, "
                           "not probabilities, so 0.5 means nothing special there. Its objective:",
                           "本次训练使用 **{loss}** 损失（{description}）。它的 D 输出是原始分数而不是概率，"
                           "所以 0.5 没有特别含义。它的目标："),
    "explain_vae": ("A **VAE** has an encoder q(z|x) that maps each image to a small cloud in latent space and a "
                    "decoder p(x|z) that maps latents back to images. It maximises a lower bound on log p(x), the "
                    "**ELBO**:",
                    "**VAE** 有一个编码器 q(z|x)，把每个样本映射为潜空间中的一小团分布，和一个解码器 p(x|z)，把潜变量"
                    "变回样本。它最大化 log p(x) 的下界，即 **ELBO**："),
    "explain_vae_terms": ("The first term is the **reconstruction** (how well decoded samples match the input); "
                          "the **KL** term keeps the codes close to the prior N(0, I), so that sampling z from the "
                          "prior gives sensible samples. β weights the KL term.",
                          "第一项是**重建**（解码结果与输入有多像）；**KL** 项让编码接近先验 N(0, I)，"
                          "这样从先验中采样 z 也能得到合理的样本。β 是 KL 项的权重。"),
    "explain_pictures_points": ("**Picture:** grey dots are real data, orange dots are G(z) for a fixed batch "
                                "of z. The background is D's opinion: **green** where D says *real*, **purple** "
                                "where it says *fake*. Arrows show where G's loss pushes each sample.",
                                "**图**： 灰点是真实数据，橙点是固定一批 z 的 G(z)。背景是 D 的判断：**绿色**表示 D "
                                "认为是*真*，**紫色**表示认为是*假*。箭头表示 G 的损失把每个样本推向哪里。"),
    "explain_pictures_images": ("**Picture:** the same fixed batch of z at every snapshot, so you watch the "
                                "same samples sharpen.", "**图**： 每个快照都使用同一批固定的 z，所以你看到的是同一批样本逐渐变清晰。"),
    "explain_pictures_sources": ("**Picture:** G's outputs for the same held-out sources at every snapshot, so you "
                                 "watch the same translations sharpen.",
                                 "**图**： 每个快照都用同一批留出的源图像，所以你看到的是同一批翻译逐渐变清晰。"),
    "explain_pictures_vae": ("**Pictures:** decoded samples of a fixed z, and the codes the encoder gives real "
                             "data, coloured by class: with a good VAE they fill a round blob around 0.",
                             "**图**： 固定 z 的解码样本，以及编码器给真实数据的编码（按类别着色）：好的 VAE "
                             "会让它们在 0 附近填满一个圆形区域。"),
    "explain_healthy": ("**Healthy:** {real} ≈ {fake} ≈ 0.5 and both losses hover around a level (D loss near "
                        "2·ln 2 ≈ 1.39, G loss near ln 2 ≈ 0.69, or −0.69 with 'minimax'); samples spread over all the modes.",
                        "**健康**： {real} ≈ {fake} ≈ 0.5，两条损失曲线在某个水平附近波动（D 损失约 2·ln 2 ≈ 1.39，"
                        "G 损失约 ln 2 ≈ 0.69，“minimax” 下约 −0.69）；样本分布在所有模式上。"),
    "explain_healthy_two_pairs": ("**Healthy:** {real} ≈ {fake} ≈ 0.5 and both losses hover around a level. CycleGAN "
                                  "has two D/G pairs (A to B and B to A) and the curves add them up: D loss near "
                                  "4·ln 2 ≈ 2.77, G loss near 2·ln 2 ≈ 1.39.",
                                  "**健康**： {real} ≈ {fake} ≈ 0.5，两条损失曲线在某个水平附近波动。CycleGAN 有两对 "
                                  "D/G（A 到 B、B 到 A），曲线是两对之和：D 损失约 4·ln 2 ≈ 2.77，G 损失约 2·ln 2 ≈ 1.39。"),
    "explain_healthy_scores": ("**Healthy:** the scores on real and fake stay close together and the losses "
                               "hover around a level; samples spread over all the modes.",
                               "**健康**： 真假样本的分数彼此接近，损失在某个水平附近波动；样本分布在所有模式上。"),
    "explain_collapse": ("**Trouble:** D loss falls towards 0 while G loss climbs (D wins and G's signal dies), "
                         "or the samples are all alike or hop from mode to mode: **mode collapse**. Calm curves "
                         "can hide collapse, so watch the samples and *modes covered*.",
                         "**出问题**： D 损失趋向 0 而 G 损失上升（D 获胜，G 的信号消失），或者样本都一样、在模式之间"
                         "跳来跳去：这就是**模式崩溃**。平稳的曲线也可能掩盖崩溃，所以要看样本和“覆盖的模式数”。"),
    "explain_vae_healthy": ("**Healthy:** reconstruction falls quickly then flattens; KL rises a little and "
                            "settles. **Trouble:** KL near 0 means the decoder ignores z (posterior collapse), "
                            "often from a β that is too large; samples then all look like one blurry average.",
                            "**健康**： 重建误差迅速下降后趋于平稳；KL 略有上升后稳定。**出问题**： KL 接近 0 表示"
                            "解码器忽略了 z（后验崩溃），常因 β 过大；此时样本看起来都像同一个模糊的平均图像。"),
}

# One-line captions under the dataset / model / loss pickers. The pickers themselves show the bare names:
# Streamlit matches a selectbox value by its label, so a label that changed with the language would lose it.
DATASET_TEXT = {
    "ring8": ("8 Gaussians on a circle", "圆上的 8 个高斯分布"),
    "grid25": ("25 Gaussians on a grid", "网格上的 25 个高斯分布"),
    "spiral": ("A two-arm spiral", "双臂螺旋"),
    "moons": ("Two half-moons", "两个半月形"),
    "digits": ("Handwritten digits (bundled)", "手写数字（自带）"),
    "mnist5k": ("5,000 real MNIST digits, 28×28 (bundled)", "5000 张真实的 MNIST 数字，28×28（自带）"),
    "shapes": ("36 coloured shapes", "36 种彩色形状"),
    "stacked-digits": ("1,000 colour modes", "1000 个彩色模式"),
    "stacked-mnist": ("1,000 colour modes of real MNIST digits, 28×28", "由真实 MNIST 数字组成的 1000 个彩色模式，28×28"),
    "mnist": ("MNIST from your files", "本机文件中的 MNIST"),
    "fashion-mnist": ("Fashion-MNIST from your files", "本机文件中的 Fashion-MNIST"),
    "cifar10": ("CIFAR-10 from your files", "本机文件中的 CIFAR-10"),
    # your own data (app/train_data.py): the panel below the settings row shows the canvas or the uploader
    "points:drawn": ("2-D points you draw below", "自己画：在下方画出的二维点"),
    "points:csv": ("2-D points from your CSV file", "CSV 文件中的点：来自你的文件的二维点"),
    "upload:images": ("Your own pictures, uploaded below", "上传图片（zip 或文件）：在下方上传你自己的图片"),
}
MODEL_TEXT = {
    "gan": ("Generative adversarial network", "生成对抗网络"),
    "cgan": ("Conditional GAN (ask for a class)", "条件 GAN（可指定类别）"),
    "vae": ("Variational autoencoder", "变分自编码器"),
    "cvae": ("Conditional VAE", "条件 VAE"),
    "ddpm": ("Diffusion (DDPM): learns to remove noise, one small step at a time", "扩散模型（DDPM）：学会一步步去除噪声"),
    "progan": ("Progressive GAN: grows from 4×4 to full size, fading each new layer in",
               "渐进式 GAN：从 4×4 逐步长到全尺寸，新层淡入"),
    "stylegan": ("Style-based generator: a mapping network, per-layer styles and noise",
                 "基于风格的生成器：映射网络、逐层风格与噪声"),
    "stackgan": ("StackGAN: a low-resolution sketch, then a refinement stage", "StackGAN：先画低分辨率草图，再细化"),
    "pix2pix": ("Pix2Pix: paired image-to-image translation", "Pix2Pix：成对的图像到图像翻译"),
    "cyclegan": ("CycleGAN: unpaired translation kept honest by a cycle", "CycleGAN：无配对翻译，靠循环一致性约束"),
    "caption": ("Caption to image (tiny): draws what a short caption asks for", "文字生成图像（迷你）：按简短描述作画"),
}
LOSS_TEXT = {
    "ns": ("Non-saturating (the usual choice)", "非饱和（常用）"),
    "minimax": ("The original saturating loss", "原始饱和损失"),
    "lsgan": ("Least squares", "最小二乘"),
    "wgan-gp": ("Wasserstein + gradient penalty", "Wasserstein + 梯度惩罚"),
    "hinge": ("Hinge loss (SAGAN, BigGAN)", "合页损失（SAGAN、BigGAN）"),
}
LOSS_DESCRIPTION_ZH = {
    "ns": "非饱和：G 最大化 log D(G(z))（常用选择）",
    "minimax": "原始饱和目标：G 最小化 log(1 − D(G(z)))",
    "lsgan": "最小二乘：D 把真实样本回归到 1、假样本回归到 0",
    "wgan-gp": "带梯度惩罚的 Wasserstein 评判器",
    "hinge": "合页损失，SAGAN 和 BigGAN 使用",
}
LOSS_DESCRIPTION = {name: (LOSS_DESCRIPTIONS[name], LOSS_DESCRIPTION_ZH[name]) for name in LOSS_DESCRIPTIONS}

# Chinese for TrainConfig.validate()'s sentences (gan_core's are English), filled in by train_form.problem_text:
# one per field in PROBLEM_FIELDS, then the two cases of "pack" and any "must be between" range.
PROBLEM_FIELDS = ("model", "arch", "n_critic", "minibatch_std", "image_size")
PROBLEM_ZH = {
    "model": "条件模型需要类别标签，而 {dataset} 没有：请选择 digits、shapes 等带标签的数据集，或使用非条件模型。",
    "model_folders": "条件模型需要类别标签，而这些图片没有：请把它们按类别放进不同的文件夹（至少两个），或使用非条件模型。",
    "arch": "二维点需要 mlp 结构；conv 用于图像。",
    "n_critic": "n_critic 表示判别器的更新次数；VAE 没有判别器。请设为 1。",
    "minibatch_std": "小批量标准差需要每批至少 2 个样本。",
    "image_size": "图像尺寸必须是 {sizes} 之一。",
    "pack_vae": "打包是 GAN 的技巧（它改变判别器），VAE 没有判别器。请把打包数设为 1。",
    "pack": "打包会把 {pack} 个样本分成一组交给 D，所以批大小必须是 {pack} 的倍数；{batch_size} 不是。",
    "range": "{field} 必须在 {low} 到 {high} 之间。",
}

# Chinese for each preset's one-line story, next to the English it translates: when a preset's description in
# gan_core.presets changes, the stale translation is not shown (the page falls back to the new English).
PRESET_ZH = {
    "ring8-vanilla": ("Ring of 8 Gaussians, plain GAN (the unrolled-GAN paper's setting): it collapses onto one "
                      "mode and hops.",
                      "8 个高斯组成的圆环，普通 GAN（unrolled GAN 论文的设置）：它会塌缩到一个模式上，并在模式之间跳动。"),
    "ring8-fixed": ("Ring of 8 Gaussians fixed: a 2-D latent cut into 256 separate islands whose weights G learns, a "
                    "least-squares loss, deeper networks (G and D) and a learning rate annealed to zero: all 8 modes, evenly "
                    "filled, sharp samples, none left between them.",
                    "8 个高斯组成的圆环（修好版）：二维潜变量被分成 256 个互不相连的小岛（每个小岛的权重由生成器学习），加上最小二乘损失、"
                    "更深的网络（G 和 D）和逐步降到零的学习率：覆盖全部 8 个模式且分布均匀，样本清晰，模式之间不再有样本。"),
    "grid25-vanilla": ("Grid of 25 Gaussians, plain GAN (same setting as ring8-vanilla): most modes are missed.",
                       "25 个高斯组成的网格，普通 GAN（与 ring8-vanilla 相同的设置）：大多数模式都被遗漏。"),
    "grid25-fixed": ("Grid of 25 Gaussians fixed: a 2-D latent cut into 100 separate islands, deeper networks (G and D) and "
                     "a learning rate annealed to zero: all 25 modes, sharp samples.",
                     "25 个高斯组成的网格（修好版）：二维潜变量被分成 100 个互不相连的小岛，加上更深的网络（G 和 D）和逐步降到零的"
                     "学习率：覆盖全部 25 个模式，样本清晰。"),
    "digits-gan": ("DCGAN on 16x16 handwritten digits: all ten digits appear within a minute.",
                   "在 16x16 手写数字上训练 DCGAN：一分钟内十个数字都会出现。"),
    "digits-gan-collapse": ("The same DCGAN with a generator learning rate ten times too high: it collapses onto "
                            "a few digits.", "同样的 DCGAN，但生成器学习率高了十倍：它会塌缩到少数几个数字上。"),
    "digits-vae": ("Convolutional VAE on 16x16 digits with a 2-D latent space you can map.",
                   "在 16x16 数字上训练卷积 VAE，二维潜空间可以直接画出来。"),
    "digits-cgan": ("Class-conditional DCGAN on digits: ask for a 7 and get a 7.",
                    "数字上的类别条件 DCGAN：要 7 就得到 7。"),
    "mnist-vae": ("Convolutional VAE on 5,000 real 28x28 MNIST digits: all ten digits, recognisable in well under a minute.",
                  "在 5000 张真实的 28x28 MNIST 数字上训练卷积 VAE：不到一分钟，十个数字都能认出来。"),
    "mnist-vae-2d": ("The same MNIST VAE with a 2-D latent space: map it and watch the ten digits find their places.",
                     "同样的 MNIST VAE，但潜空间是二维的：把它画成地图，看十个数字各自找到位置。"),
    "mnist-gan": ("DCGAN on real 28x28 MNIST digits: strokes come fast, but the ten digits come unevenly (more 3s and 5s) "
                  "for a long while; compare with mnist-cgan.",
                  "在真实的 28x28 MNIST 数字上训练 DCGAN：笔画很快出现，但十个数字在很长一段时间里出现得不均匀（3 和 5 偏多）；"
                  "可以和 mnist-cgan 对比。"),
    "mnist-cgan": ("Class-conditional DCGAN on real 28x28 MNIST digits: ask for a 7 and get a 7.",
                   "在真实的 28x28 MNIST 数字上训练类别条件 DCGAN：要 7 就得到 7。"),
    "shapes-gan": ("Least-squares GAN on 36 drawn shapes (shape x colour x position): count the modes it finds.",
                   "在 36 种绘制的形状（形状 × 颜色 × 位置）上训练最小二乘 GAN：数一数它找到了几个模式。"),
    "stacked-digits-gan": ("Three digits stacked as colour channels: 1,000 modes; how many does a small GAN find?",
                           "三个数字叠成三个颜色通道：共 1000 个模式，小 GAN 能找到多少个？"),
    "stacked-mnist-gan": ("Three real 28x28 MNIST digits stacked as colour channels (Stacked-MNIST): 1,000 modes; "
                          "how many does a small DCGAN find?",
                          "三个真实的 28x28 MNIST 数字叠成三个颜色通道（Stacked-MNIST）：共 1000 个模式，小 DCGAN 能找到多少个？"),
    "digits-pix2pix": ("pix2pix on 16x16 digits: fill in a digit from its outline (paired training, U-Net + patch D + L1); recognisable in about 15 s, done in about 40 s.",
        "在 16x16 数字上的 pix2pix：根据轮廓补全数字（成对训练，U-Net + 局部判别器 + L1）；约 15 秒可以辨认，约 40 秒完成。"),
    "digits-cyclegan": ("CycleGAN on 16x16 digits: undo inverted colours from UNPAIRED batches, with a cycle back.",
        "在 16x16 数字上的 CycleGAN：从不成对的批次中学会把反色的数字还原，并带一个循环回到原样。"),
    "ring8-ddpm": ("Ring of 8 Gaussians, diffusion (DDPM): no discriminator, nothing to collapse: all 8 modes and sharp samples; each sample costs 30 denoising steps instead of one forward pass.",
        "8 个高斯组成的圆环，扩散模型（DDPM）：没有判别器，也就没有什么可塌缩：8 个模式全部出现，样本清晰；每个样本要经过 30 步去噪，而不是一次前向计算。"),
    "digits-ddpm": ("Diffusion (DDPM) on 16x16 digits with a mini U-Net: all ten digits, recognisable by the end of its 1,200 steps; watch the denoising chain turn noise into a digit.",
        "在 16x16 数字上的扩散模型（DDPM），用一个迷你 U-Net：1,200 步结束时十个数字都能辨认；看去噪链怎样把噪声变成数字。"),
    "digits-progan": ("Progressive GAN on digits: 4x4, then 8x8, then 16x16, each new layer faded in; all ten digits by the end.",
        "数字上的渐进式 GAN：先 4x4，再 8x8，再 16x16，每个新层逐渐淡入；结束时十个数字都会出现。"),
    "digits-stylegan": ("Style-based GAN on 16x16 digits: all ten digits by the end; mix styles to keep a digit's identity (coarse layers) and change its stroke (fine layers).",
        "在 16x16 数字上的风格化 GAN：结束时十个数字都会出现；混合风格，保留一个数字的身份（粗层），改变它的笔画（细层）。"),
    "shapes-stackgan": ("StackGAN on 16x16 shapes: stage I draws blocky 8x8 blobs, stage II rounds them into shapes; like shapes-gan it settles on one colour. Its first few hundred steps draw mostly black, blotchy pictures: the shapes lie on a black background, which G learns first; shapes appear by about step 400.",
        "在 16x16 形状上的 StackGAN：第一阶段画出块状的 8x8 色块，第二阶段把它们修圆成形状；和 shapes-gan 一样，它最后只用一种颜色。前几百步画出的大多是黑色、斑驳的图片：形状画在黑色背景上，G 先学会背景；到第 400 步左右已能看出形状。"),
    "shapes-caption": ('Caption to image on shapes: type "a blue square in the top left"; about 96% of the 36 captions come out right.',
        '形状上的文字生成图像：输入“a blue square in the top left”；36 种描述中约 96% 能画对。'),
}

# LaTeX; identical in both languages.
LATEX_MINIMAX = (r"\begin{aligned}\min_G \max_D \;& \mathbb{E}_{x \sim p_\text{data}}\big[\log D(x)\big] \\"
                 r" +\, & \mathbb{E}_{z \sim p(z)}\big[\log\big(1 - D(G(z))\big)\big]\end{aligned}")
LATEX_NS = r"\max_G \; \mathbb{E}_{z \sim p(z)}\big[\log D(G(z))\big]"
LATEX_ELBO = (r"\begin{aligned}\log p(x) \;\ge\;& \mathbb{E}_{q(z \mid x)}\big[\log p(x \mid z)\big] \\"
              r" -\, & \mathrm{KL}\big(q(z \mid x)\,\|\,p(z)\big)\end{aligned}")
LATEX_LOSS = {
    "lsgan": (r"\begin{aligned}&\min_D \tfrac12\mathbb{E}_x\big[(D(x)-1)^2\big] \\"
              r"&\qquad + \tfrac12\mathbb{E}_z\big[D(G(z))^2\big] \\"
              r"&\min_G \tfrac12\mathbb{E}_z\big[(D(G(z))-1)^2\big]\end{aligned}"),
    "wgan-gp": (r"\begin{aligned}\min_G \max_D \;& \mathbb{E}_x\big[D(x)\big] - \mathbb{E}_z\big[D(G(z))\big] \\"
                r" -\,& \lambda\,\mathbb{E}_{\hat x}\big[(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1)^2\big]\end{aligned}"),
    # one short line each: the explanation sits in a column half the page wide, where KaTeX cuts a long line off
    "hinge": (r"\begin{aligned}&\min_D \mathbb{E}_x\big[\max(0, 1 - D(x))\big] \\"
              r"&\qquad + \mathbb{E}_z\big[\max(0, 1 + D(G(z)))\big] \\"
              r"&\min_G -\mathbb{E}_z\big[D(G(z))\big]\end{aligned}"),
}
# history keys and rows of the model families (gan_core.families), as chart legends
FAMILY_TRACE_TEXT = {
    "loss": ("loss", "损失"),
    "loss_t_low": ("loss at low noise", "低噪声时的损失"),
    "loss_t_high": ("loss at high noise", "高噪声时的损失"),
    "resolution": ("resolution (pixels)", "分辨率（像素）"),
    "alpha": ("fade-in α", "淡入 α"),
    "l1": ("L1 to the target", "与目标的 L1 距离"),
    "cycle": ("cycle error", "循环误差"),
    "identity": ("identity error", "恒等误差"),
    "loss_d1": ("D loss, stage I", "第一阶段 D 损失"),
    "loss_g1": ("G loss, stage I", "第一阶段 G 损失"),
    "row_source": ("source", "源图像"),
    "row_output": ("output", "输出"),
    "row_target": ("real target", "真实目标"),
    "row_cycle": ("cycle reconstruction", "循环重建"),
}

# "What am I looking at" for the model families: shown above (or, for diffusion, instead of) the GAN game
FAMILY_EXPLAIN = {
    "ddpm": ("A **diffusion model** has no discriminator. Training takes a real sample x₀, adds Gaussian noise at a "
             "random level t (the forward process: after T levels only noise is left) and teaches one network "
             "$\\epsilon_\\theta$ to predict the noise that was added. Sampling runs the process backwards: start "
             "from pure noise and remove a little predicted noise at each step. Here sampling is deterministic "
             "(DDIM), so a seed always names the same sample. **Picture:** the chain shows the fixed noises turning "
             "into samples. **Healthy:** the loss falls and flattens, and the low-noise loss stays above the "
             "high-noise one: a little noise on an image is hard to tell apart from the image itself, while a very "
             "noisy input is almost all noise, which makes the noise easy to name. It covers every mode without a "
             "fight, but each sample costs one network call per sampling step instead of a GAN's one.",
             "**扩散模型**没有判别器。训练时取一个真实样本 x₀，在随机的噪声级 t 上加入高斯噪声（前向过程：T 级之后只剩噪声），"
             "并让一个网络 $\\epsilon_\\theta$ 预测加入的噪声。采样时反向进行：从纯噪声出发，每一步去掉一点预测的噪声。这里采样是确定性的（DDIM），"
             "同一个种子总是对应同一个样本。**图**：去噪链展示固定噪声如何变成样本。**健康**：损失下降并趋于平稳，低噪声损失一直高于高噪声损失："
             "图像上的少量噪声很难与图像本身区分，而噪声很大的输入几乎全是噪声，其中的噪声反而容易说出。"
             "它无需对抗就能覆盖所有模式，但每个样本在每个采样步都要调用一次网络，而 GAN 只需一次。"),
    "progan": ("**Progressive growing:** G and D start at 4×4 and gain a layer per stage (8×8, 16×16). A new layer is "
               "faded in: its output is blended with the enlarged old output by α going 0 → 1, so training never "
               "jumps. Coarse structure is learned first, detail later. Watch the resolution and α curves.",
               "**渐进式增长**：G 和 D 从 4×4 开始，每个阶段增加一层（8×8、16×16）。新层淡入：其输出与放大的旧输出按 α 从 0 到 1 混合，"
               "训练不会突变。先学粗结构，后学细节。请看分辨率和 α 曲线。"),
    "stylegan": ("**Style-based generator:** z first goes through a mapping network to w; the image grows from a "
                 "learned constant, and w sets a *style* (a per-channel scale) at every layer, with a little random "
                 "noise per layer for fine detail. Early layers control coarse structure, late layers fine details, "
                 "which is why mixing the styles of two samples works (see the style-mixing picture).",
                 "**基于风格的生成器**：z 先经映射网络变成 w；图像从一个学到的常量长出，w 在每一层设定*风格*（逐通道缩放），每层再加少量随机噪声"
                 "负责细节。前面的层控制粗结构，后面的层控制细节，所以可以混合两个样本的风格（见风格混合图）。"),
    "stackgan": ("**Two stages:** stage I draws a small, rough image from z; stage II takes it (enlarged) and refines "
                 "it to full size. Each stage has its own discriminator, so the sketch and the detail are judged "
                 "separately.",
                 "**两个阶段**：第一阶段由 z 画出一张小而粗糙的图；第二阶段把它放大并细化到全尺寸。每个阶段有自己的判别器，草图和细节分别受评判。"),
    "pix2pix": ("**Pix2Pix:** G translates a source image (here made from the digit itself, e.g. its outline) into a "
                "target image; D judges (source, image) pairs patch by patch; an L1 term keeps the output close to "
                "the paired target. In the paper the adversarial part adds sharpness the L1 term alone would blur; on these "
                "small digits the L1 term gets so close that D can hardly tell (its curves stay near 0.5).",
                "**Pix2Pix**：G 把源图像（这里由数字本身生成，例如轮廓）翻译成目标图像；D 按小块评判（源图，图像）对；L1 项让输出接近配对的目标。"
                "论文中，对抗部分带来单靠 L1 会模糊掉的清晰度；在这些小数字上 L1 已经很接近目标，D 几乎分辨不出（它的曲线停在 0.5 附近）。"),
    "cyclegan": ("**CycleGAN:** no pairs. G maps domain A to B and F maps B back to A, each with its own "
                 "discriminator; the cycle loss asks F(G(a)) ≈ a, so G cannot invent an unrelated picture that merely "
                 "looks like B. The translation grid shows source, output and the cycle reconstruction.",
                 "**CycleGAN**：没有配对。G 把 A 域映射到 B，F 把 B 映射回 A，各有判别器；循环损失要求 F(G(a)) ≈ a，"
                 "所以 G 不能随便画一张只是看起来像 B 的图。翻译网格依次显示源图、输出和循环重建。"),
    "caption": ("**Caption to image (tiny):** a small text encoder turns the caption's words into a vector that "
                "conditions the generator, trained on varied phrasings of 36 captions (colour × shape × position). "
                "Real text-to-image systems learn from billions of image-text pairs with large pretrained text "
                "encoders; this toy shows the idea, not the scale.",
                "**文字生成图像（迷你）**：一个小文本编码器把描述中的词变成向量，作为生成器的条件；训练数据是 36 种描述（颜色 × 形状 × 位置）的多种说法。"
                "真正的文生图系统用数十亿图文对和大型预训练文本编码器；这个玩具展示的是思路，而不是规模。"),
}
# two short lines: in one, the formula was cut off in the side column at 1280 px
LATEX_DDPM = (r"\begin{aligned}L(\theta) &= \mathbb{E}_{x_0,\,t,\,\epsilon}\big\|\epsilon - \epsilon_\theta(x_t,\, t)\big\|^2\\"
              r"x_t &= \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\epsilon\end{aligned}")

# your own data (app/train_data.py): the canvas, the CSV picker and the image uploader under the settings
USER_DATA_TEXT = {
    "draw_title": ("Draw your data", "画出你的数据"),
    "draw_help": ("Click to add a point, or hold the button down and drag to paint a stroke. The faint dots are "
                  "the samples the model trains on: each is one of your points plus a little random noise, so a "
                  "few dozen clicks already make a smooth distribution.",
                  "单击添加一个点，或按住鼠标拖动画出一笔。浅色的点是模型训练用的样本：每个样本都是你的某个点加上一点随机噪声，"
                  "所以几十次点击就能形成平滑的分布。"),
    "canvas_count": ("{n} points", "{n} 个点"),
    "canvas_hint": ("click to add · drag to paint", "单击添加 · 拖动绘制"),
    "canvas_full": ("limit of {max} points reached", "已达到 {max} 个点的上限"),
    "shapes": ("Start from a shape", "从一个形状开始"),
    "shape_smiley": ("Smiley", "笑脸"),
    "shape_heart": ("Heart", "爱心"),
    "shape_moons": ("Two moons", "双月"),
    "shape_ring": ("Ring of 8", "八个点环"),
    "undo": ("Undo stroke", "撤销一笔"),
    "clear": ("Clear", "清空"),
    "draw_count": ("**{n}** points drawn (at least {min}, at most {max:,}).",
                   "已画 **{n}** 个点（至少 {min} 个，最多 {max:,} 个）。"),
    "jitter_note": ("Each training sample is one of your points plus Gaussian noise of σ = {jitter:.3f} (half the "
                    "typical gap between neighbouring points), {n_points:,} samples in all.",
                    "每个训练样本是你的某个点加上 σ = {jitter:.3f} 的高斯噪声（相邻点典型间距的一半），共 {n_points:,} 个样本。"),
    "need_points": ("Draw at least {min} points first (you have {n}).", "请先画至少 {min} 个点（现在有 {n} 个）。"),
    "csv_title": ("Points from a CSV file", "CSV 文件中的点"),
    "csv_file": ("CSV file with x, y columns", "含 x、y 两列的 CSV 文件"),
    "csv_help": ("One point per line: x and y separated by a comma, semicolon, tab or space; a header row is fine. "
                 "At most {rows:,} rows and {mb} MB.",
                 "每行一个点：x 和 y 用逗号、分号、制表符或空格分隔；可以有标题行。最多 {rows:,} 行、{mb} MB。"),
    "csv_need": ("Choose a CSV file of points first.", "请先选择一个包含点的 CSV 文件。"),
    "csv_bad": ("The CSV file cannot be used (see the message below the file).", "这个 CSV 文件无法使用（见文件下方的说明）。"),
    "csv_using": ("**{name}**: {n:,} points, x from {x0:.3g} to {x1:.3g}, y from {y0:.3g} to {y1:.3g}.",
                  "**{name}**：{n:,} 个点，x 从 {x0:.3g} 到 {x1:.3g}，y 从 {y0:.3g} 到 {y1:.3g}。"),
    "upload_title": ("Upload images", "上传图片"),
    "upload_files": ("One .zip (its folders become class labels) or several pictures",
                     "一个 .zip（其中的文件夹成为类别标签）或多张图片"),
    "upload_help": ("PNG, JPEG, GIF, BMP, WebP or TIFF. Pictures are centre-cropped to squares and resized to the "
                    "image size setting. At most {files:,} files and {mb} MB in all; unsafe zips (paths leaving the "
                    "archive, zip bombs) are refused.",
                    "支持 PNG、JPEG、GIF、BMP、WebP、TIFF。图片会居中裁成正方形并缩放到“图像尺寸”设置。最多 {files:,} 个文件、"
                    "总共 {mb} MB；不安全的 zip（路径跳出压缩包、压缩炸弹）会被拒绝。"),
    "reading": ("Reading your pictures…", "正在读取你的图片……"),
    "upload_need": ("Upload some images first.", "请先上传一些图片。"),
    "upload_bad": ("The upload cannot be used (see the message below the files).", "上传的文件无法使用（见文件下方的说明）。"),
    "upload_mixed": ("Upload either one zip file or several pictures, not both (and not several zips).",
                     "请上传一个 zip 文件或多张图片，不要混在一起（也不要上传多个 zip）。"),
    "upload_using": ("**{n:,} images** from {label}, resized to {size}×{size}, {colour}.",
                     "来自 {label} 的 **{n:,} 张图片**，缩放到 {size}×{size}，{colour}。"),
    "colour": ("in colour", "彩色"),
    "grey": ("greyscale", "灰度"),
    "classes": ("Class folders found: {names}.", "找到的类别文件夹：{names}。"),
    "no_classes": ("No class folders (at least two are needed for labels), so the images are unlabelled.",
                   "没有类别文件夹（至少需要两个才能作为标签），所以这些图片没有标签。"),
    "skipped": ("Files that are not readable pictures were skipped: {n}.", "跳过了不是可读图片的文件：{n} 个。"),
    "preview_images": ("What the model will train on (the first {k}, at {size}×{size})",
                       "模型将要训练的图片（前 {k} 张，{size}×{size}）"),
    "earlier": ("Using **{name}** from earlier in this session.", "使用本次会话中之前上传的 **{name}**。"),
    "forget": ("Forget it", "忘掉它"),
    "private": ("What you draw or upload stays in this browser session only: it is not saved on the server and "
                "nobody else can see it. A saved checkpoint keeps drawn points, never uploaded images.",
                "你画的或上传的数据只保存在这个浏览器会话中：不会存到服务器上，别人也看不到。保存的检查点会保留画的点，但从不保存上传的图片。"),
    "large": ("Your points span about {extent:.0f} units; networks learn fastest when the data lies within a few "
              "units of 0, so consider rescaling.",
              "你的点大约跨越 {extent:.0f} 个单位；数据在 0 附近几个单位以内时网络学得最快，可以考虑缩放。"),
    "legend_points": ("your points", "你的点"),
    "legend_pool": ("training samples", "训练样本"),
    "refused_folder": ("The app trains only on data you draw or upload, because folder:PATH would read the "
                       "server's own disk; use it from the command line instead (python -m gan_core train "
                       "--dataset folder:PATH).",
                       "应用只用你画的或上传的数据训练，因为 folder:PATH 会读取服务器自己的磁盘；请改用命令行"
                       "（python -m gan_core train --dataset folder:PATH）。"),
    "other_session": ("{name} was drawn or uploaded in another browser session, and such data never leaves it; "
                      "draw or upload it again here.",
                      "{name} 是在另一个浏览器会话中画的或上传的，这类数据不会离开那个会话；请在这里重新画或上传。"),
}

# the layer picker of the 2-D view (app/train_layers.py)
LAYERS_TEXT = {
    "layers": ("Show", "显示"),
    "layers_help": ("Switch the layers of the picture on and off. **D's opinion**: the background colour. "
                    "**G's grid**: straight lines of latent space after G has bent them into data space "
                    "(blue: z₁ fixed, purple: z₂ fixed); where lines bunch up G puts many samples, where they "
                    "stretch apart few, and a line that crosses an empty gap between modes is G's continuous "
                    "sheet being pulled thin. **Arrows**: where G's loss pushes each generated point. The GIF "
                    "download uses the same choice.",
                    "打开或关闭图中的各个图层。**D 的判断**：背景颜色。**G 的网格**：潜空间中的直线经过 G "
                    "弯折后在数据空间中的样子（蓝色：z₁ 固定，紫色：z₂ 固定）；线条挤在一起的地方 G 放了很多样本，"
                    "拉开的地方样本很少，穿过模式之间空白的线说明 G 这张连续的“薄片”被拉得很薄。**箭头**：G 的损失"
                    "把每个生成点推向哪里。GIF 下载也使用同样的选择。"),
    "layer_heatmap": ("D's opinion", "D 的判断"),  # short: all five pills fit in one row beside the text
    "layer_manifold": ("G's grid", "G 的网格"),
    "layer_real": ("real", "真实点"),
    "layer_fake": ("generated", "生成点"),
    "layer_arrows": ("arrows", "梯度箭头"),
    "legend_manifold": ("G(latent grid)", "G(潜空间网格)"),  # a 1-D latent: one line
    "legend_manifold_z1": ("G(z₁ fixed)", "G(z₁ 固定)"),  # the grid's two families of lines, in their colours
    "legend_manifold_z2": ("G(z₂ fixed)", "G(z₂ 固定)"),
    "legend_heatmap": ("D's opinion", "D 的判断"),
}

# KL and JS between the real and generated 2-D densities over training (app/train_divergence.py)
DIVERGENCE_TEXT = {
    "div_title": ("Distance between the real and generated densities (every {every} steps)",
                  "真实分布与生成分布之间的距离（每 {every} 步）"),
    "div_kl": ("KL(real ‖ generated), nats", "KL(真实 ‖ 生成)，单位 nat"),
    "div_js": ("JS(real, generated), nats", "JS(真实, 生成)，单位 nat"),
    "div_ceiling": ("ln 2 ≈ 0.693: no overlap at all", "ln 2 ≈ 0.693：完全不重叠"),
    "div_waiting": ("The KL and JS curves appear after the first measurement (every {every} steps).",
                    "第一次测量后会出现 KL 与 JS 曲线（每 {every} 步测一次）。"),
    "div_off": ("Metrics are off for this run (measured every 0 steps), so there is no KL/JS curve.",
                "这次训练关闭了指标测量（每 0 步），因此没有 KL/JS 曲线。"),
    "div_explain_title": ("What KL and JS mean, and why JS gets stuck at ln 2", "KL 与 JS 是什么，为什么 JS 会卡在 ln 2"),
    "div_explain": (
        "Both clouds of points become smoothed 2-D histograms p (real) and q (generated) on a 32 × 32 grid: a "
        "slight Gaussian blur (one cell) plus a tiny floor in every cell, so an empty cell never gives log 0.\n\n"
        "**KL(real ‖ generated)** = Σ p · log(p / q) asks: *wherever real data lives, does G put samples too?* "
        "It is 0 only when the two match, and it grows large when G misses a mode (p > 0 where q ≈ 0). It is not "
        "symmetric: G piling samples where there is no real data costs it little.\n\n"
        "**JS** compares each with their average m = (p + q) / 2: JS = ½ KL(p ‖ m) + ½ KL(q ‖ m). It is "
        "symmetric and never above **ln 2 ≈ 0.693**, which it reaches as soon as the two densities do not "
        "overlap at all, *however far apart they are*.\n\n"
        "That flat ceiling is the classic reason the original GAN stalls. Against the best possible D, the "
        "minimax loss of G equals 2 · JS − 2 ln 2. When the real and generated supports do not overlap (usual "
        "at the start, and for thin data in many dimensions) JS sits at ln 2 whatever G does, so its gradient "
        "is zero and G learns nothing: the gradients vanish. The non-saturating loss and the Wasserstein loss "
        "(which measures *how far* mass must move) were invented to get around it.\n\n"
        "Even a perfect generator scores a few hundredths, not exactly 0: both histograms come from a finite "
        "number of points (2,000 real, 1,000 generated).",
        "两团点分别变成 32 × 32 网格上平滑过的二维直方图 p（真实）和 q（生成）：先做一格宽的轻微高斯模糊，"
        "再给每格加一个极小的下限，这样空格子不会出现 log 0。\n\n"
        "**KL(真实 ‖ 生成)** = Σ p · log(p / q) 问的是：*凡是有真实数据的地方，G 也放了样本吗？* 只有两者一致时"
        "才为 0；G 漏掉一个模式（p > 0 而 q ≈ 0）时它会变得很大。它不对称：G 把样本堆在没有真实数据的地方，"
        "代价很小。\n\n"
        "**JS** 把两者都与平均分布 m = (p + q) / 2 比较：JS = ½ KL(p ‖ m) + ½ KL(q ‖ m)。它是对称的，"
        "且永远不超过 **ln 2 ≈ 0.693**；只要两个分布完全不重叠，*无论相距多远*，它都等于 ln 2。\n\n"
        "这个平顶正是原始 GAN 停滞的经典原因。面对最优的 D，G 的 minimax 损失等于 2 · JS − 2 ln 2。"
        "当真实分布与生成分布的支撑集不重叠时（训练初期很常见，高维中的“薄”数据也是如此），无论 G 怎么变，"
        "JS 都停在 ln 2，梯度为零，G 学不到任何东西：这就是梯度消失。非饱和损失和 Wasserstein 损失"
        "（衡量质量需要*移动多远*）正是为绕开这个问题而提出的。\n\n"
        "即使生成器完美，数值也会是百分之几而不是正好 0：两个直方图都只来自有限个点（2,000 个真实点、1,000 个生成点）。"),
}

# the memorisation check of image runs (app/train_memorisation.py)
MEMORISATION_TEXT = {
    "mem_title": ("Is it copying? Each sample next to its nearest training images", "是否在照抄？每个样本与最接近的训练图像"),
    "mem_intro": ("A generator that memorised its data makes near-copies of training images. This check takes the "
                  "first samples of the snapshot shown above, finds the closest training images, and compares that "
                  "distance with how close *real* images are to their nearest *other* training image.",
                  "记住了训练数据的生成器会生成与训练图像几乎一样的图。这里取上方所显示快照的前几个样本，找出最接近的"
                  "训练图像，并把这个距离与*真实*图像到离它最近的*另一张*训练图像的距离作比较。"),
    "mem_feature": ("Compare in", "比较方式"),
    "mem_feature_classifier": ("classifier features", "分类器特征"),
    "mem_feature_pixels": ("raw pixels", "原始像素"),
    "mem_feature_help": ("Classifier features: the 64 numbers this project's small classifier computes for an image, "
                         "so images that look alike to it are close even when shifted by a pixel. Raw pixels: the "
                         "plain pixel-by-pixel distance. Data without a classifier always uses pixels.",
                         "分类器特征：本项目的小分类器为每张图计算的 64 个数，在它看来相像的图即使错开一个像素也很接近。"
                         "原始像素：逐像素的普通距离。没有分类器的数据总是使用像素。"),
    "mem_count": ("Samples to check", "检查的样本数"),
    "mem_k": ("Nearest training images per sample", "每个样本的最近训练图像数"),
    "mem_run": ("Find the nearest training images", "查找最接近的训练图像"),
    "mem_busy": ("Searching the training set…", "正在搜索训练集……"),
    "mem_fell_back": ("This data has no classifier, so the distances are in raw pixels.",
                      "这份数据没有分类器，所以距离按原始像素计算。"),
    "mem_space": ("Step {step:,} · distances in {space} · a real image is typically {typical:.3g} from its nearest "
                  "other training image.",
                  "第 {step:,} 步 · 距离空间：{space} · 真实图像到最近的另一张训练图像通常相距 {typical:.3g}。"),
    "mem_ratio": ("Nearest-neighbour ratio", "最近邻距离比"),
    "mem_ratio_help": ("Median over the samples of (distance to the nearest training image), divided by the median "
                       "of the same distance for real images. About 1 or more: the samples are as far from the "
                       "training set as new real images would be. Well below 1 (under {limit}): they sit on top of "
                       "training images, a sign of memorisation.",
                       "样本到最近训练图像距离的中位数，除以真实图像同一距离的中位数。约为 1 或更大：样本与训练集的距离和"
                       "新的真实图像差不多。远小于 1（低于 {limit}）：样本几乎压在训练图像上，是记忆（照抄）的迹象。"),
    "mem_copying": ("The samples sit much closer to training images than real images do (ratio {ratio:.2f}): the "
                    "generator may be copying its training data.",
                    "样本离训练图像比真实图像之间还近得多（比值 {ratio:.2f}）：生成器可能在照抄训练数据。"),
    "mem_fine": ("No sign of copying: the samples are about as far from the training set as real images are, or "
                 "farther (ratio {ratio:.2f}).",
                 "没有照抄的迹象：样本与训练集的距离与真实图像相当或更远（比值 {ratio:.2f}）。"),
    "mem_undefined": ("The training set holds exact duplicates, so the typical real distance is 0 and the ratio "
                      "is undefined; read the distances instead.",
                      "训练集中有完全相同的图像，真实图像的典型距离为 0，比值无意义；请直接看距离。"),
    "mem_sample": ("sample {number} · {ratio}× typical", "样本 {number} · 典型距离的 {ratio} 倍"),
    "mem_neighbour": ("training #{index} · d = {distance:.3g}", "训练图 #{index} · d = {distance:.3g}"),
    "mem_failed": ("The check could not run: {message}", "无法进行检查：{message}"),
    "mem_other_step": ("These results are for step {step:,}; press the button again to check the snapshot shown now.",
                       "这些结果对应第 {step:,} 步；再按一次按钮即可检查当前显示的快照。"),
}


# How the charts' titles name a model (its code name is what the settings and checkpoints store)
MODEL_NAMES = {"gan": "GAN", "cgan": "cGAN", "vae": "VAE", "cvae": "cVAE", "ddpm": "DDPM", "progan": "ProGAN",
               "stylegan": "StyleGAN", "stackgan": "StackGAN", "pix2pix": "pix2pix", "cyclegan": "CycleGAN",
               "caption": "Caption to image"}


def model_name(model: str) -> str:
    return MODEL_NAMES.get(model, model)
