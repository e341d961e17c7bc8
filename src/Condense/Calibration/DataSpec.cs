namespace Condense.Calibration;

/// <summary>
/// What a user asked for as calibration and evaluation data; every command that takes a model
/// builds one from <c>--data</c>, <c>--preprocess</c>, <c>--vocab</c>, <c>--input-shape</c> and the
/// rest, and <see cref="CalibrationDataLoader.Load"/> resolves it against the model's inputs.
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
    /// <summary>Checks every range up front; a bad value is a <see cref="CondenseException"/> quoting it.</summary>
    public void Validate()
    {
        if (Count < 1) throw new CondenseException($"the sample count must be at least 1, not {Count}");
        if (!(HeldOutFraction >= 0 && HeldOutFraction < 1)) throw new CondenseException($"the held-out fraction must be in [0, 1), not {HeldOutFraction}");
        if (MaxSequenceLength < 2) throw new CondenseException($"the maximum sequence length must be at least 2 ([CLS] and [SEP]), not {MaxSequenceLength}");
        if (Augment is < 0 or > 1000) throw new CondenseException($"--augment must be between 0 and 1000, not {Augment}");
        if (InputShapes is not null)
            foreach (var (name, dims) in InputShapes)
                if (dims.Length == 0 || dims.Any(d => d < 1))
                    throw new CondenseException($"input shape {name}={string.Join(",", dims)}: every dimension must be a positive integer");
    }
}
