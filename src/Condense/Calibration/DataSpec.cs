namespace Condense.Calibration;

/// <summary>
/// What a user asked for as calibration and evaluation data; every command that takes a model
/// builds one from <c>--data</c>, <c>--preprocess</c>, <c>--vocab</c>, <c>--input-shape</c> and the
/// rest, and <see cref="CalibrationDataLoader.Load"/> resolves it against the model's inputs.
/// Every range is checked when it is set (constructor or <c>with</c>), so a spec that exists is
/// valid and a loader never has to remember to check it.
/// </summary>
/// <param name="Path">A folder of images, a file of sentences, a <c>.npy</c> or a <c>.npz</c> (recognised by content); null for seeded random inputs.</param>
/// <param name="PreprocessModel">An ONNX model run on each image before the model (its input shape then sets the image size).</param>
/// <param name="Vocab">The WordPiece <c>vocab.txt</c> of a text model; required for sentences.</param>
/// <param name="InputShapes">Shapes for inputs whose dims are dynamic (or to override them), by input name.</param>
/// <param name="Count">The most samples in all, calibration and held out together.</param>
/// <param name="HeldOutFraction">The share of sources (photos, sentences, array rows) held out for evaluation, never calibrated on.</param>
/// <param name="Seed">Seeds the split, the augmentation and random inputs.</param>
/// <param name="MaxSequenceLength">The most tokens per sentence, [CLS] and [SEP] included.</param>
/// <param name="Image">How photos become tensors (size, range, mean/std, channel order, layout).</param>
/// <param name="Augment">Extra seeded random crops with horizontal flips per photo, beside its centre crop.</param>
public sealed record DataSpec(string? Path, string? PreprocessModel = null, string? Vocab = null,
    IReadOnlyDictionary<string, long[]>? InputShapes = null, int Count = 256, double HeldOutFraction = 0.25,
    int Seed = 0, int MaxSequenceLength = 128, ImagePreprocessing? Image = null, int Augment = 0)
{
    /// <summary>Shapes for inputs whose dims are dynamic, by input name; every dimension positive.</summary>
    public IReadOnlyDictionary<string, long[]>? InputShapes { get; init => field = CheckShapes(value); } = CheckShapes(InputShapes);

    /// <summary>The most samples in all, at least 1.</summary>
    public int Count { get; init => field = CheckCount(value); } = CheckCount(Count);

    /// <summary>The share of sources held out for evaluation, in [0, 1).</summary>
    public double HeldOutFraction { get; init => field = CheckHeldOut(value); } = CheckHeldOut(HeldOutFraction);

    /// <summary>The most tokens per sentence, at least 2 ([CLS] and [SEP]).</summary>
    public int MaxSequenceLength { get; init => field = CheckSequence(value); } = CheckSequence(MaxSequenceLength);

    /// <summary>Extra random crops per photo, 0–1000.</summary>
    public int Augment { get; init => field = CheckAugment(value); } = CheckAugment(Augment);

    static int CheckCount(int value) => value >= 1 ? value : throw new CondenseException($"the sample count must be at least 1, got {value}");

    static double CheckHeldOut(double value) => value is >= 0 and < 1 ? value
        : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the held-out fraction must be in [0, 1), got {value}"));

    static int CheckSequence(int value) => value >= 2 ? value
        : throw new CondenseException($"the maximum sequence length must be at least 2 ([CLS] and [SEP]), got {value}");

    static int CheckAugment(int value) => value is >= 0 and <= 1000 ? value : throw new CondenseException($"--augment must be 0–1000, got {value}");

    static IReadOnlyDictionary<string, long[]>? CheckShapes(IReadOnlyDictionary<string, long[]>? value)
    {
        if (value is not null)
            foreach (var (name, dims) in value)
                if (dims.Length == 0 || dims.Any(d => d < 1))
                    throw new CondenseException($"input shape {name}={string.Join(",", dims)}: every dimension must be a positive integer");
        return value;
    }
}
