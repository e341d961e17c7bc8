namespace Condense.Data;

/// <summary>
/// One split of an image-classification data set in memory: raw pixels, the same as floats in
/// [0, 1] (N × <see cref="Features"/>, row-major, ready to become a tensor) and labels.
/// Normalisation belongs to the model (<see cref="Normalization"/>), as in our PyTorch peers,
/// so that a saved or exported model takes plain pixels.
/// </summary>
public sealed class Dataset
{
    /// <summary>Wraps one split: <paramref name="pixels"/> holds labels.Length images of <paramref name="height"/>×<paramref name="width"/> bytes, row-major; a length mismatch is a <see cref="CondenseException"/>.</summary>
    public Dataset(string name, byte[] pixels, int[] labels, int height, int width, int classes = 10)
    {
        var features = height * width;
        if (features <= 0 || pixels.Length != labels.Length * features)
            throw new CondenseException($"{name}: {labels.Length} labels do not match {pixels.Length} pixels of {height}×{width} images");
        Name = name;
        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
        Classes = classes;
        Images = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
            Images[i] = pixels[i] / 255f;
    }

    /// <summary>The data set and split, e.g. "mnist10k-train", used in reports and model cards.</summary>
    public string Name { get; }
    /// <summary>The raw 0–255 pixels as stored, kept for writing data files and for exact comparisons.</summary>
    public byte[] Pixels { get; }
    /// <summary>The pixels as floats in [0, 1] (Count × Features, row-major), ready to become a tensor; normalisation is the model's job.</summary>
    public float[] Images { get; }
    /// <summary>Class index of each image, 0 ≤ label &lt; <see cref="Classes"/>.</summary>
    public int[] Labels { get; }
    /// <summary>Image height in pixels (28 for MNIST).</summary>
    public int Height { get; }
    /// <summary>Image width in pixels (28 for MNIST).</summary>
    public int Width { get; }
    /// <summary>Inputs per image (Height × Width): the first layer's width of an MLP on this data.</summary>
    public int Features => Height * Width;
    /// <summary>Number of images in the split.</summary>
    public int Count => Labels.Length;
    /// <summary>Number of classes, the width of a classifier's output.</summary>
    public int Classes { get; }

    /// <summary>The first <paramref name="count"/> items (for quick runs and tests).</summary>
    public Dataset Take(int count) =>
        count >= Count ? this : new Dataset(Name, Pixels[..(count * Features)], Labels[..count], Height, Width, Classes);
}
