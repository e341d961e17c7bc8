using Condense.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Distillation;

/// <summary>
/// DAFL's generator (Chen et al., ICCV 2019), fully connected for flat 28×28 inputs: noise
/// z ~ N(0, 1) → 256 → 512 → pixels, BatchNorm and LeakyReLU(0.2) between, tanh, then a
/// BatchNorm without affine parameters over the whole batch (every pixel of every image: one
/// mean, one variance). That last step is DAFL's too: it pins the batch's pixel statistics to
/// those of normalised training data (mean 0, variance 1), so the generator cannot drift to
/// saturated or flat images that no real input resembles. The images are then mapped back to the
/// teacher's raw pixel scale (× std + mean of its <see cref="Normalization"/>), so the teacher's own
/// normalisation turns them into exactly the standardised batch.
/// </summary>
internal sealed class DataFreeGenerator : IDisposable
{
    readonly Sequential _net;
    readonly Normalization? _normalization;

    /// <param name="noise">Dimensions of z.</param>
    /// <param name="pixels">Pixels per image.</param>
    /// <param name="normalization">The teacher's input normalisation (null: images stay standardised).</param>
    /// <param name="classes">0: DAFL's unconditional generator; C &gt; 0: z is joined by a one-hot class, image i is meant as class i mod C (<see cref="Sample"/>'s labels).</param>
    public DataFreeGenerator(int noise, int pixels, Normalization? normalization, int classes = 0)
    {
        NoiseSize = noise;
        Classes = classes;
        _normalization = normalization;
        _net = nn.Sequential(
            ("fc1", nn.Linear(noise + classes, 256)), ("bn1", nn.BatchNorm1d(256)), ("act1", nn.LeakyReLU(0.2)),
            ("fc2", nn.Linear(256, 512)), ("bn2", nn.BatchNorm1d(512)), ("act2", nn.LeakyReLU(0.2)),
            ("fc3", nn.Linear(512, pixels)), ("out", nn.Tanh()));
    }

    public int NoiseSize { get; }

    /// <summary>Classes the generator is conditioned on (0: unconditional).</summary>
    public int Classes { get; }

    public IEnumerable<Parameter> Parameters() => _net.parameters();

    public long ParameterCount => _net.parameters().Sum(p => p.numel());

    /// <summary>
    /// A batch of images from noise drawn with <paramref name="random"/>, differentiable in the
    /// generator's parameters; <paramref name="labels"/> are the classes asked for (i mod C, so every
    /// class has its share), null for an unconditional generator.
    /// </summary>
    public Tensor Sample(int count, Generator random, out Tensor? labels)
    {
        using var scope = NewDisposeScope();
        _net.train();
        var z = randn(count, NoiseSize, generator: random);
        labels = null;
        if (Classes > 0)
        {
            var y = arange(count, ScalarType.Int64) % Classes;
            z = cat([z, nn.functional.one_hot(y, Classes).to_type(ScalarType.Float32)], 1);
            labels = y.MoveToOuterDisposeScope();
        }
        var h = _net.forward(z);
        var standard = (h - h.mean()) / (h.var(unbiased: false) + 1e-5).sqrt();
        var images = _normalization is { } n ? standard * n.Std + n.Mean : standard;
        return images.MoveToOuterDisposeScope();
    }

    public void Dispose() => _net.Dispose();
}
