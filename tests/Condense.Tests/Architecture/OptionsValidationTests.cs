using System.Reflection;
using Condense.Analysis;
using Condense.Calibration;
using Condense.DeepCompression;
using Condense.Distillation;
using Condense.Formats.Onnx;
using Condense.Hashing;
using Condense.Imaging;
using Condense.Models;
using Condense.Quantization;
using Condense.Quantization.Gptq;
using Condense.Pruning;
using Condense.Workflows;
using Condense.Workflows.Cnn;
using Condense.Workflows.Sparsity;

namespace Condense.Tests.Architecture;

/// <summary>
/// Options are validated when they are built (init accessors that throw), not by a
/// <c>Validate()</c> callers must remember. The library's remaining <c>Validate()</c> methods are
/// listed in <see cref="NotYetConverted"/>, which may only shrink: a new one fails
/// <see cref="No_new_type_has_a_Validate_method"/>, and a listed type that no longer has one fails
/// <see cref="The_list_names_only_types_that_still_have_one"/> so the list is kept exact.
/// </summary>
public sealed class OptionsValidationTests
{
    /// <summary>
    /// Types still validated by a separate call: none since issue 22 converted the last fifteen. Keep it
    /// empty; a cross-setting rule an init accessor cannot check is an <c>internal Require…()</c> the
    /// workflow calls (e.g. <see cref="ModelPruningOptions"/>), not a <c>Validate()</c>.
    /// </summary>
    static readonly IReadOnlySet<string> NotYetConverted = new HashSet<string>(StringComparer.Ordinal);

    static IEnumerable<string> TypesWithValidate() =>
        typeof(CondenseException).Assembly.GetTypes()
            .Where(t => t.GetMethod("Validate", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly, Type.EmptyTypes) is not null)
            .Select(t => t.FullName!);

    [Fact]
    public void No_new_type_has_a_Validate_method()
    {
        var added = TypesWithValidate().Where(t => !NotYetConverted.Contains(t)).ToList();
        Assert.True(added.Count == 0, "validate options when they are built, not in Validate(): " + string.Join(", ", added));
    }

    [Fact]
    public void The_list_names_only_types_that_still_have_one()
    {
        var have = TypesWithValidate().ToHashSet();
        var stale = NotYetConverted.Where(t => !have.Contains(t)).ToList();
        Assert.True(stale.Count == 0, "no longer has Validate(); delete from the list: " + string.Join(", ", stale));
    }

    [Fact]
    public void Invalid_sparse_storage_options_cannot_be_built()
    {
        Assert.Equal("relative index width must be 1–8 bits, got 9", Assert.Throws<CondenseException>(() => new SparseStorageOptions { Bits = 9 }).Message);
        Assert.Equal("sparse encoding must be one of Dense, Csr, RelativeIndex, got 7",
            Assert.Throws<CondenseException>(() => new SparseStorageOptions { Encoding = (SparseEncoding)7 }).Message);
        var valid = new SparseStorageOptions { Bits = 4 };
        Assert.Throws<CondenseException>(() => valid with { Bits = 0 });
        Assert.Equal(4, valid.Bits);
    }

    [Fact]
    public void Invalid_hashing_options_cannot_be_built()
    {
        Assert.Equal("compression factor must be greater than 1 and at most 1,000,000, got 0.5",
            Assert.Throws<CondenseException>(() => new HashingOptions { Factor = 0.5 }).Message);
        Assert.Equal("hashes must be 1–16, got 17", Assert.Throws<CondenseException>(() => new HashingOptions { Hashes = 17 }).Message);
        Assert.Equal("hashing variant must be one of Hashed, Structured, got 5",
            Assert.Throws<CondenseException>(() => new HashingOptions { Variant = (HashingVariant)5 }).Message);
        Assert.Throws<CondenseException>(() => new HashingOptions() with { Factor = double.NaN });
    }

    [Fact]
    public void Invalid_gptq_options_cannot_be_built()
    {
        Assert.Equal("GPTQ dampening must be in (0, 1), got 1", Assert.Throws<CondenseException>(() => new GptqOptions(Dampening: 1)).Message);
        Assert.Equal("GPTQ block size must be 1–4096, got 0", Assert.Throws<CondenseException>(() => new GptqOptions(BlockSize: 0)).Message);
        var valid = new GptqOptions(BlockSize: 64);
        Assert.Equal("GPTQ block size must be 1–4096, got 4097", Assert.Throws<CondenseException>(() => valid with { BlockSize = 4097 }).Message);
        Assert.Equal((0.01, 64), (valid.Dampening, valid.BlockSize));
    }

    [Fact]
    public void Invalid_imaging_options_cannot_be_built()
    {
        Assert.Equal("colours must be 1–256, got 257", Assert.Throws<CondenseException>(() => new ColorQuantizerOptions { Colors = 257 }).Message);
        Assert.Equal("k-means starts must be 1–100, got 0", Assert.Throws<CondenseException>(() => new ColorQuantizerOptions { Starts = 0 }).Message);
        Assert.Equal("Lloyd iterations must be 1–10000, got 0", Assert.Throws<CondenseException>(() => new ColorQuantizerOptions() with { MaxIterations = 0 }).Message);
        Assert.Equal("Lloyd tolerance must be in [0, 1], got NaN", Assert.Throws<CondenseException>(() => new ColorQuantizerOptions { Tolerance = double.NaN }).Message);
        Assert.Equal("colour initialisation must be one of KMeansPlusPlus, MedianCut, got 9",
            Assert.Throws<CondenseException>(() => new ColorQuantizerOptions { Init = (ColorInit)9 }).Message);
        Assert.Null(new ColorQuantizerOptions { Starts = null }.Starts);
        Assert.Equal("pixel limit must be 1–2147483647, got 0", Assert.Throws<CondenseException>(() => new ImageDecodeOptions { MaxPixels = 0 }).Message);
    }

    [Fact]
    public void Invalid_distillation_options_cannot_be_built()
    {
        Assert.Equal("alpha must be in [0, 1], got 1.5", Assert.Throws<CondenseException>(() => new DistillationOptions { Alpha = 1.5 }).Message);
        Assert.Equal("temperature must be greater than 0 and at most 1000, got 1001",
            Assert.Throws<CondenseException>(() => DistillationRecipe.Options with { Temperature = 1001 }).Message);
        Assert.Equal("data-free: steps must be 1–1,000,000, got 0", Assert.Throws<CondenseException>(() => DataFreeOptions.Adversarial with { Steps = 0 }).Message);
        Assert.Equal("data-free: batch size must be 2–65,536, got 1", Assert.Throws<CondenseException>(() => new DataFreeOptions { BatchSize = 1 }).Message);
        Assert.Equal("data-free: entropy weight must be non-negative and finite, got -1",
            Assert.Throws<CondenseException>(() => new DataFreeOptions { EntropyWeight = -1 }).Message);
        Assert.Equal("data-free: student learning rate must be positive and finite, got Infinity",
            Assert.Throws<CondenseException>(() => new DataFreeOptions { StudentLearningRate = double.PositiveInfinity }).Message);
    }

    [Fact]
    public void Invalid_onnx_read_options_cannot_be_built()
    {
        Assert.Equal("ONNX nesting depth limit must be 1–1000, got 0", Assert.Throws<CondenseException>(() => new OnnxReadOptions(MaxRecursionDepth: 0)).Message);
        Assert.Equal("ONNX file size limit must be 1–2147483647 bytes, got 2147483648",
            Assert.Throws<CondenseException>(() => OnnxReadOptions.Default with { MaxFileBytes = 1L << 31 }).Message);
        Assert.Equal("ONNX tensor element limit must be at least 1, got -1", Assert.Throws<CondenseException>(() => new OnnxReadOptions(MaxTensorElements: -1)).Message);
    }

    [Fact]
    public void Invalid_deep_compression_options_cannot_be_built()
    {
        Assert.Equal("bits must be values in 2–8, got [4, 9]", Assert.Throws<CondenseException>(() => new DeepCompressionOptions { Bits = [4, 9] }).Message);
        Assert.Equal("sparsity must be values in [0, 1), got []", Assert.Throws<CondenseException>(() => new DeepCompressionOptions { Sparsity = [] }).Message);
        Assert.Equal("prune steps must be 1–20, got 0", Assert.Throws<CondenseException>(() => new DeepCompressionOptions() with { PruneSteps = 0 }).Message);
        Assert.Equal("share learning rate must be in (0, 1], got 2", Assert.Throws<CondenseException>(() => new DeepCompressionOptions { ShareLearningRate = 2 }).Message);
        var sparsity = new[] { 0.5 };
        var options = new DeepCompressionOptions { Sparsity = sparsity, PruneEpochs = 0 };
        sparsity[0] = 7;
        Assert.Equal(0.5, options.SparsityOf(0));
    }

    [Fact]
    public void Invalid_data_specs_cannot_be_built()
    {
        Assert.Equal("the sample count must be at least 1, got 0", Assert.Throws<CondenseException>(() => new DataSpec(null, Count: 0)).Message);
        Assert.Equal("the held-out fraction must be in [0, 1), got 1", Assert.Throws<CondenseException>(() => new DataSpec(null) with { HeldOutFraction = 1 }).Message);
        Assert.Equal("--augment must be 0–1000, got 1001", Assert.Throws<CondenseException>(() => new DataSpec(null, Augment: 1001)).Message);
        Assert.Equal("input shape ids=1,0: every dimension must be a positive integer",
            Assert.Throws<CondenseException>(() => new DataSpec(null, InputShapes: new Dictionary<string, long[]> { ["ids"] = [1, 0] })).Message);
        Assert.Equal((256, 0.25, 128), (new DataSpec(null).Count, new DataSpec(null).HeldOutFraction, new DataSpec(null).MaxSequenceLength));
    }

    [Fact]
    public void Invalid_model_pruning_options_cannot_be_built()
    {
        Assert.Equal("sparsity 1 must be in [0, 1)", Assert.Throws<CondenseException>(() => new ModelPruningOptions { Sparsity = 1 }).Message);
        Assert.Equal("SynFlow iterations must be 1–10000, got 0", Assert.Throws<CondenseException>(() => new ModelPruningOptions() with { SynFlowIterations = 0 }).Message);
        Assert.Equal("norm order must be at least 1, got 0.5", Assert.Throws<CondenseException>(() => new ModelPruningOptions { StructuredNorm = 0.5 }).Message);
        // Data is joined to the criterion, so SNIP without data can be built (data may follow in a with) and is refused by the pruner.
        Assert.Equal(PruningCriterion.Snip, new ModelPruningOptions { Criterion = PruningCriterion.Snip }.Criterion);
    }

    [Fact]
    public void Invalid_gradual_pruning_schedules_cannot_be_built()
    {
        Assert.Equal("initial sparsity must be in [0, 1), got 1", Assert.Throws<CondenseException>(() => new GradualPruningSchedule(1, 0.9, 0, 1, 1)).Message);
        Assert.Equal("final sparsity must be in [0.5, 1) (at least the initial sparsity), got 0.3",
            Assert.Throws<CondenseException>(() => new GradualPruningSchedule(0.5, 0.3, 0, 1, 1)).Message);
        var valid = new GradualPruningSchedule(0, 0.9, 100, 10, 10);
        Assert.Equal("schedule frequency must be at least 1 step, got 0", Assert.Throws<CondenseException>(() => valid with { Frequency = 0 }).Message);
        Assert.Equal("schedule start step must be at least 0, got -1", Assert.Throws<CondenseException>(() => valid with { StartStep = -1 }).Message);
        Assert.Equal("schedule updates must be at least 1, got 0", Assert.Throws<CondenseException>(() => new GradualPruningSchedule(0, 0.9, 0, 1, 0)).Message);
        Assert.Equal(200, valid.EndStep);
    }

    [Fact]
    public void Invalid_conv_geometries_cannot_be_built()
    {
        Assert.Equal("convolution input channels must be at least 1, got 0", Assert.Throws<CondenseException>(() => new ConvGeometry(0, 8, 8, 3, 3)).Message);
        Assert.Equal("convolution horizontal stride must be at least 1, got 0", Assert.Throws<CondenseException>(() => new ConvGeometry(3, 8, 8, 3, 3, StrideWidth: 0)).Message);
        Assert.Equal("convolution left pad must be at least 0, got -1", Assert.Throws<CondenseException>(() => new ConvGeometry(3, 8, 8, 3, 3, PadLeft: -1)).Message);
        Assert.Equal("convolution group must divide the 6 input channels, got 4", Assert.Throws<CondenseException>(() => new ConvGeometry(6, 8, 8, 3, 3, Group: 4)).Message);
        Assert.Equal("the convolution kernel does not fit the input: it spans 5 columns, the padded input has 4",
            Assert.Throws<CondenseException>(() => new ConvGeometry(1, 8, 4, 1, 3, DilationWidth: 2)).Message);
        var valid = new ConvGeometry(6, 8, 8, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1, Group: 3);
        Assert.Equal((8, 8, 2, 18), (valid.OutHeight, valid.OutWidth, valid.GroupChannels, valid.PatchSize));
    }

    [Fact]
    public void Invalid_block_codes_cannot_be_built()
    {
        byte[] codes = [.. Enumerable.Repeat((byte)9, 64)];
        Assert.Equal("block bits must be 2–8, got 9", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 9, 32, codes, [1, 1], null)).Message);
        Assert.Equal("block size must be a power of 2 of at least 16, got 24", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 4, 24, codes, [1, 1], null)).Message);
        Assert.Equal("a block-quantized matrix must be at least 1x1, got 0x2", Assert.Throws<CondenseException>(() => new BlockCodes(0, 2, 4, 32, [], [], null)).Message);
        Assert.Equal("block codes must number 64, got 63", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 4, 32, codes[1..], [1, 1], null)).Message);
        Assert.Equal("block scales must number 4, got 2", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 4, 16, codes, [1, 1], null)).Message);
        Assert.Equal("block codes must be at most 7 (3 bits), got 9 at 0", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 3, 32, codes, [1, 1], null)).Message);
        Assert.Equal("block zero points must be at most 15 (4 bits), got 16 at 1", Assert.Throws<CondenseException>(() => new BlockCodes(32, 2, 4, 32, codes, [1, 1], [8, 16])).Message);
        var valid = new BlockCodes(32, 2, 4, 32, codes, [0.5f, 2f], [8, 8]);
        Assert.Equal((1, 8, 0.5f, 2f), (valid.Blocks, valid.SymmetricZero, valid.Dequantize()[0], valid.Dequantize()[1]));
    }

    [Fact]
    public void Invalid_onnx_compression_options_cannot_be_built()
    {
        Assert.Equal("k-means bits must be 1–8, got 9", Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, 9)).Message);
        Assert.Equal("linear bits must be 2–8, got 1", Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 1)).Message);
        Assert.Equal("bf16 bits must be 16, got 8", Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(OnnxCompressionMethod.Bf16, 8)).Message);
        Assert.Equal("per-channel scales apply to linear quantization only, not fp16",
            Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(OnnxCompressionMethod.Fp16, PerChannel: true)).Message);
        Assert.Equal("compression method must be one of KMeans, Linear, Fp16, Bf16, got 9",
            Assert.Throws<CondenseException>(() => new OnnxCompressionOptions((OnnxCompressionMethod)9)).Message);
        var valid = new OnnxCompressionOptions(OnnxCompressionMethod.Fp16);
        Assert.Equal("min size must be at least 0, got -1", Assert.Throws<CondenseException>(() => valid with { MinSize = -1 }).Message);
        Assert.Equal("external data threshold must be at least 0 bytes, got -1",
            Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(OnnxCompressionMethod.Linear, ExternalThresholdBytes: -1)).Message);
        Assert.Equal("external data mode must be one of Auto, Always, Never, got 5",
            Assert.Throws<CondenseException>(() => valid with { ExternalData = (OnnxExternalDataMode)5 }).Message);
        Assert.Equal((16, 1024L, 8), (valid.EffectiveBits, valid.MinSize, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans).EffectiveBits));
    }

    [Fact]
    public void Invalid_training_options_cannot_be_built()
    {
        Assert.Equal("epochs must be 1–1000, got 1001", Assert.Throws<CondenseException>(() => new TrainingOptions { Epochs = 1001 }).Message);
        Assert.Equal("batch size must be 1–65536, got 0", Assert.Throws<CondenseException>(() => new TrainingOptions() with { BatchSize = 0 }).Message);
        Assert.Equal("learning rate must be in (0, 1], got 0", Assert.Throws<CondenseException>(() => new TrainingOptions { LearningRate = 0 }).Message);
        Assert.Equal("StepLR gamma must be in (0, 1], got 1.5", Assert.Throws<CondenseException>(() => new TrainingOptions { StepGamma = 1.5 }).Message);
        Assert.Equal("L1 penalty must be non-negative and finite, got NaN", Assert.Throws<CondenseException>(() => new TrainingOptions { L1 = double.NaN }).Message);
        Assert.Equal("shift must be 0–8 pixels, got -1", Assert.Throws<CondenseException>(() => new TrainingOptions { Shift = -1 }).Message);
        Assert.Null(TrainingOptions.For(Condense.Models.ModelKind.Autoencoder).StepGamma);
        var defaults = new TrainingOptions();
        Assert.Equal((5, 64, 1e-3, 0.7), (defaults.Epochs, defaults.BatchSize, defaults.LearningRate, defaults.StepGamma));
    }

    [Fact]
    public void Invalid_lottery_options_cannot_be_built()
    {
        Assert.Equal("rounds must be 1–30, got 31", Assert.Throws<CondenseException>(() => new LotteryOptions { Rounds = 31 }).Message);
        Assert.Equal("rate must be in (0, 1), got 1", Assert.Throws<CondenseException>(() => new LotteryOptions { Rate = 1 }).Message);
        Assert.Equal("rewind epoch must be at least 0, got -1", Assert.Throws<CondenseException>(() => new LotteryOptions() with { RewindEpoch = -1 }).Message);
        // The rewind epoch is joined to the training's epochs, so it may be set before them; the run refuses it if it is still too late.
        var late = new LotteryOptions { RewindEpoch = 5, Training = new TrainingOptions { Epochs = 2 } };
        Assert.Equal("rewind epoch must be 0–1 (below the 2 training epochs), got 5", Assert.Throws<CondenseException>(late.RequireRewindBeforeTheEnd).Message);
        new LotteryOptions().RequireRewindBeforeTheEnd();
    }

    [Fact]
    public void Invalid_survey_study_options_cannot_be_built()
    {
        Assert.Equal("sparsities must be values in [0, 1), got [0.5, 1]", Assert.Throws<CondenseException>(() => new SurveyStudyOptions { Sparsities = [0.5, 1] }).Message);
        Assert.Equal("sparsities must be values in [0, 1), got []", Assert.Throws<CondenseException>(() => new SurveyStudyOptions { Sparsities = [] }).Message);
        Assert.Equal("training limit must be at least 1, got 0", Assert.Throws<CondenseException>(() => new SurveyStudyOptions { TrainLimit = 0 }).Message);
        Assert.Equal("AGP ramp share must be in (0, 1], got 0", Assert.Throws<CondenseException>(() => new SurveyStudyOptions() with { AgpRampShare = 0 }).Message);
        Assert.Equal("relevance samples must be at least 1, got 0", Assert.Throws<CondenseException>(() => new SurveyStudyOptions { RelevanceSamples = 0 }).Message);
        Assert.Equal("these studies compare classifiers' accuracy: use classifier or lenet300, not the autoencoder",
            Assert.Throws<CondenseException>(() => new SurveyStudyOptions { Model = ModelKind.Autoencoder }).Message);
        double[] sparsities = [0.5];
        var options = new SurveyStudyOptions { Sparsities = sparsities, TrainLimit = null };
        sparsities[0] = 7;
        Assert.Equal((0.5, 10, 5), (options.Sparsities[0], options.Training.Epochs, options.FineTuning.Epochs));
    }

    [Fact]
    public void Invalid_variational_dropout_options_cannot_be_built()
    {
        Assert.Equal("KL weight must be in (0, 10], got 0", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { KlWeight = 0 }).Message);
        Assert.Equal("initial log σ² must be in [−20, 0], got NaN", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { InitialLogSigma2 = double.NaN }).Message);
        Assert.Equal("log α threshold must be in [−8, 8], got 9", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions() with { Threshold = 9 }).Message);
        Assert.Equal("log σ² rate scale must be in (0, 1000], got 0", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { LogSigma2RateScale = 0 }).Message);
        Assert.Equal("KL annealing must be at least 0 epochs, got -1", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { KlAnnealEpochs = -1 }).Message);
        Assert.Equal("variational groups must be one of Weights, Neurons, got 2", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { Groups = (VariationalGroups)2 }).Message);
        // The annealing is joined to the training's epochs, so it may be set before them; the runs refuse it if it is still too long.
        var longer = new VariationalDropoutOptions { KlAnnealEpochs = 20, Training = new TrainingOptions { Epochs = 15 } };
        Assert.Equal("KL annealing must be 0–15 epochs (the training's), got 20", Assert.Throws<CondenseException>(longer.RequireAnnealingWithinTraining).Message);
        new VariationalDropoutOptions().RequireAnnealingWithinTraining();
    }

    [Fact]
    public void Invalid_pruning_study_options_cannot_be_built()
    {
        Assert.Equal("the pruning study needs a classifier (classifier or lenet300), not the autoencoder",
            Assert.Throws<CondenseException>(() => new PruningStudyOptions { Model = ModelKind.Autoencoder }).Message);
        Assert.Equal("the pruning study needs at least one method, got none", Assert.Throws<CondenseException>(() => new PruningStudyOptions { Methods = [] }).Message);
        Assert.Equal("sparsities must be values in [0, 1), got []", Assert.Throws<CondenseException>(() => new PruningStudyOptions { Sparsities = [] }).Message);
        Assert.Equal("collapse sparsities must be values in [0, 1), got [0.9, 1]",
            Assert.Throws<CondenseException>(() => new PruningStudyOptions() with { CollapseSparsities = [0.9, 1] }).Message);
        Assert.Equal("train limit must be at least 100 digits, got 99", Assert.Throws<CondenseException>(() => new PruningStudyOptions { TrainLimit = 99 }).Message);
        Assert.Equal("SynFlow iterations must be 1–10000, got 0", Assert.Throws<CondenseException>(() => new PruningStudyOptions { SynFlowIterations = 0 }).Message);
        var defaults = new PruningStudyOptions();
        Assert.Equal((6, 8, 2), (defaults.Sparsities.Count, defaults.CollapseSparsities.Count, defaults.FineTuning.Epochs));
    }

    [Fact]
    public void Invalid_cnn_study_requests_cannot_be_built()
    {
        Assert.Equal("epochs must be 1–1000, got 0", Assert.Throws<CondenseException>(() => new CnnStudyRequest { Epochs = 0 }).Message);
        Assert.Equal("fine-tuning epochs must be 0–1000, got -1", Assert.Throws<CondenseException>(() => new CnnStudyRequest { FineTuneEpochs = -1 }).Message);
        Assert.Equal("slimming fraction must be in [0, 1), got 1", Assert.Throws<CondenseException>(() => new CnnStudyRequest() with { SlimFraction = 1 }).Message);
        Assert.Equal("training image count must be at least 0 (0: all), got -5", Assert.Throws<CondenseException>(() => new CnnStudyRequest { TrainCount = -5 }).Message);
        Assert.Equal("group counts must be values in 2–1024, got [2, 1]", Assert.Throws<CondenseException>(() => new CnnStudyRequest { Groups = [2, 1] }).Message);
        Assert.Equal("study stage must be one of slimming, filters, fusion, separable, groups, order, autoencoder, exit, got 'pruning'",
            Assert.Throws<CondenseException>(() => new CnnStudyRequest { Stages = new HashSet<string> { "fusion", "pruning" } }).Message);
        var valid = new CnnStudyRequest { Stages = new HashSet<string> { "fusion" }, FineTuneEpochs = 0 };
        Assert.Equal((3, 0, 1), (valid.Epochs, valid.FineTuneEpochs, valid.Stages.Count));
    }

    [Fact]
    public void Invalid_runtime_compression_requests_cannot_be_built()
    {
        IReadOnlyList<IReadOnlyList<global::Onnx.TensorProto>> none = [], one = [[]];
        RuntimeCompressionRequest Request(IReadOnlyList<IReadOnlyList<global::Onnx.TensorProto>> held) => new("in.onnx", "out.onnx", RuntimeMethod.NBits, none, held, "test");
        Assert.Equal("no input samples: give --data", Assert.Throws<CondenseException>(() => Request(none)).Message);
        var valid = Request(one);
        Assert.Equal("--bits must be 2, 4 or 8 for MatMulNBits, got 3", Assert.Throws<CondenseException>(() => valid with { Bits = 3 }).Message);
        Assert.Equal("--block must be a power of 2 of at least 16, got 24", Assert.Throws<CondenseException>(() => valid with { BlockSize = 24 }).Message);
        Assert.Equal("--percentile must be in (50, 100], got 50", Assert.Throws<CondenseException>(() => valid with { Percentile = 50 }).Message);
        Assert.Equal("--accuracy-level must be 0–4, got 5", Assert.Throws<CondenseException>(() => valid with { AccuracyLevel = 5 }).Message);
        Assert.Equal("--batch must be 1–4096, got 0", Assert.Throws<CondenseException>(() => valid with { Batch = 0 }).Message);
        Assert.Equal("--runs must be 1–10000, got 0",
            Assert.Throws<CondenseException>(() => new RuntimeCompressionRequest("in.onnx", "out.onnx", null, one, none, "test", Runs: 0)).Message);
        Assert.Equal((4, 32, 4, 30), (valid.Bits, valid.BlockSize, valid.AccuracyLevel, valid.Runs));
    }

    [Fact]
    public void Invalid_data_aware_compression_requests_cannot_be_built()
    {
        var heldOutOnly = new CalibrationData([], [[]], "photos", IsRandom: false);
        var both = heldOutOnly with { Calibration = [[]] };
        DataAwareCompressionRequest Request(OnnxCompressionMethod method, int bits, CalibrationData data, int block = 0, bool dataFree = false) =>
            new("in.onnx", "out.onnx", method, bits, data, DataFree: dataFree, BlockSize: block);
        Assert.Equal("data-aware compression quantizes (linear or kmeans); fp16 needs no data",
            Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.Fp16, 16, both)).Message);
        Assert.Equal("linear bits must be 2–8, got 1", Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.Linear, 1, both)).Message);
        Assert.Equal("k-means bits must be 1–8, got 9", Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.KMeans, 9, both)).Message);
        Assert.Equal("--block applies to linear quantization only, not k-means", Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.KMeans, 4, both, block: 32)).Message);
        Assert.Equal("photos: no calibration samples", Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.Linear, 4, heldOutOnly)).Message);
        Assert.Equal("photos: no held-out samples to measure on",
            Assert.Throws<CondenseException>(() => Request(OnnxCompressionMethod.Linear, 4, both with { HeldOut = [] })).Message);
        var dataFree = Request(OnnxCompressionMethod.Linear, 4, heldOutOnly, block: 32, dataFree: true);
        Assert.Equal("threads must be at least 1, got 0", Assert.Throws<CondenseException>(() => dataFree with { Threads = 0 }).Message);
        Assert.Equal("rows per codebook must be at least 0, got -1", Assert.Throws<CondenseException>(() => dataFree with { RowsPerCodebook = -1 }).Message);
        Assert.Equal("the statistics budget must be at least 1 byte, got 0", Assert.Throws<CondenseException>(() => dataFree with { StatisticsBudgetBytes = 0 }).Message);
        Assert.Equal((4, 32, 1024L), (dataFree.Bits, dataFree.BlockSize, dataFree.MinSize));
    }

    [Fact]
    public void Invalid_onnx_sparsity_requests_cannot_be_built()
    {
        var heldOutOnly = new CalibrationData([], [[]], "photos", IsRandom: false);
        OnnxSparsityRequest Request(OnnxSparsityMethod method, double sparsity = 0.5) => new("m.onnx", "o.onnx", method, sparsity, heldOutOnly);
        Assert.Equal("m.onnx: SparseGPT needs calibration data (--data), or use --method magnitude",
            Assert.Throws<CondenseException>(() => Request(OnnxSparsityMethod.SparseGpt)).Message);
        Assert.Equal("sparsity method must be one of Magnitude, SparseGpt, got 4", Assert.Throws<CondenseException>(() => Request((OnnxSparsityMethod)4)).Message);
        Assert.Equal("sparsity must be in (0, 1), got 1", Assert.Throws<CondenseException>(() => Request(OnnxSparsityMethod.Magnitude, 1)).Message);
        var valid = Request(OnnxSparsityMethod.Magnitude);
        Assert.Equal("dampening must be in (0, 1), got 0", Assert.Throws<CondenseException>(() => valid with { Dampening = 0 }).Message);
        Assert.Equal("block size must be at least 1, got 0", Assert.Throws<CondenseException>(() => valid with { BlockSize = 0 }).Message);
        Assert.Equal("threads must be at least 1, got 0", Assert.Throws<CondenseException>(() => valid with { Threads = 0 }).Message);
        Assert.Equal((0.5, 0.01, 128, 1), (valid.Sparsity, valid.Dampening, valid.BlockSize, valid.Threads));
    }

    [Fact]
    public void Invalid_onnx_analysis_requests_cannot_be_built()
    {
        var heldOutOnly = new CalibrationData([], [[]], "photos", IsRandom: false);
        Assert.Equal("photos: no held-out sample to measure on",
            Assert.Throws<CondenseException>(() => new OnnxAnalysisRequest("m.onnx", heldOutOnly with { HeldOut = [] })).Message);
        Assert.Equal("analyze: no setting to measure besides fp32",
            Assert.Throws<CondenseException>(() => new OnnxAnalysisRequest("m.onnx", heldOutOnly, [QuantizationSetting.Parse("fp32")])).Message);
        var valid = new OnnxAnalysisRequest("m.onnx", heldOutOnly, [QuantizationSetting.Parse("g4-rtn")]);
        Assert.Equal("sensitivity samples must be 1–4096, got 0", Assert.Throws<CondenseException>(() => valid with { SensitivitySamples = 0 }).Message);
        Assert.Equal("threads must be at least 1, got 0", Assert.Throws<CondenseException>(() => valid with { Threads = 0 }).Message);
        Assert.Equal("held-out samples must be at least 1, got 0", Assert.Throws<CondenseException>(() => valid with { HeldOutSamples = 0 }).Message);
        // The selection split needs two calibration samples (some fitted on, some chosen on); analysis refuses fewer before it reads the model.
        Assert.StartsWith("photos: 0 calibration sample(s): at least 2 are needed", Assert.Throws<CondenseException>(valid.RequireCalibration).Message);
        (valid with { Data = heldOutOnly with { Calibration = [[], []] } }).RequireCalibration();
        Assert.Equal((4, 1), (valid.SensitivitySamples, valid.Threads));
    }

    [Fact]
    public void Invalid_onnx_plan_requests_cannot_be_built()
    {
        var analysis = new OnnxAnalysisRequest("m.onnx", new CalibrationData([], [[]], "photos", IsRandom: false), [QuantizationSetting.Parse("g4-rtn")]);
        Assert.Equal("plan: give exactly one of --max-bytes, --max-latency and --max-error",
            Assert.Throws<CondenseException>(() => new OnnxPlanRequest(analysis, "o.onnx", null, 1000, 0.1)).Message);
        Assert.Equal("plan: --max-error must be in (0, 10), got 12", Assert.Throws<CondenseException>(() => new OnnxPlanRequest(analysis, "o.onnx", null, null, 12)).Message);
        Assert.Equal("plan: --max-bytes must be positive, got 0", Assert.Throws<CondenseException>(() => new OnnxPlanRequest(analysis, "o.onnx", null, 0, null)).Message);
        Assert.Equal("plan: --max-latency must be a positive number of milliseconds, got NaN",
            Assert.Throws<CondenseException>(() => new OnnxPlanRequest(analysis, "o.onnx", null, null, null, MaxLatencyMs: double.NaN)).Message);
        Assert.Equal("plan: --max-bytes g3: that setting is not among those analysed",
            Assert.Throws<CondenseException>(() => new OnnxPlanRequest(analysis, "o.onnx", null, null, null, MaxBytesOfUniform: "g3")).Message);
        var valid = new OnnxPlanRequest(analysis, "o.onnx", null, null, null, MaxBytesOfUniform: "g4-rtn");
        Assert.Equal("plan: latency runs must be 1–1000, got 0", Assert.Throws<CondenseException>(() => valid with { LatencyRuns = 0 }).Message);
        Assert.Equal("m.onnx: the output would overwrite the input", Assert.Throws<CondenseException>((valid with { OutputPath = "m.onnx" }).RefuseOverwrites).Message);
        Assert.Equal(15, valid.LatencyRuns);
    }
}
