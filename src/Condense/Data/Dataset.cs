namespace Condense.Data;

/// <summary>
/// One split of an image-classification data set in memory: raw pixels, the same as floats in
/// [0, 1] (N × <see cref="Features"/>, row-major, ready to become a tensor) and labels.
/// Normalisation belongs to the model (<see cref="Normalization"/>), as in our PyTorch peers,
/// so that a saved or exported model takes plain pixels.
/// </summary>
public sealed class Dataset
{
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

    public string Name { get; }
    public byte[] Pixels { get; }
    public float[] Images { get; }
    public int[] Labels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Features => Height * Width;
    public int Count => Labels.Length;
    public int Classes { get; }

    /// <summary>The first <paramref name="count"/> items (for quick runs and tests).</summary>
    public Dataset Take(int count) =>
        count >= Count ? this : new Dataset(Name, Pixels[..(count * Features)], Labels[..count], Height, Width, Classes);
}
