using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// A layer whose weight compression methods prune, quantize or factorise: a <c>Linear</c>
/// (out × in) or a <c>Conv2d</c> (out × in/groups × k × k). Both keep their output channels on
/// axis 0, so row masks, per-output-channel scales and filter norms treat them alike, and
/// <see cref="Matrix"/> flattens a kernel to out × (in·k·k) — the matrix the convolution applies to
/// each im2col patch. Why one view instead of two code paths: every method that works on Linear
/// weights then works on convolutions unchanged, which is what issue 18 asks for.
/// </summary>
/// <param name="Name">The parameter prefix (<c>fc1</c>, <c>conv2</c>).</param>
/// <param name="Module">The Linear or Conv2d module; also the key pruning masks are kept under.</param>
public sealed record WeightLayer(string Name, nn.Module Module)
{
    /// <summary>The weight parameter (live: writes go to the model).</summary>
    public Tensor Weight => Module switch
    {
        Linear l => l.weight ?? throw new CondenseException($"{Name} has no weight"),
        Conv2d c => c.weight ?? throw new CondenseException($"{Name} has no weight"),
        _ => throw new CondenseException($"{Name}: a {Module.GetType().Name} has no weight Condense can compress"),
    };

    /// <summary>The bias parameter, or null.</summary>
    public Tensor? Bias => Module switch { Linear l => l.bias, Conv2d c => c.bias, _ => null };

    /// <summary>Whether the layer is a convolution (its weight is 4-D).</summary>
    public bool IsConvolution => Module is Conv2d;

    /// <summary>Output channels (filters, or output neurons): axis 0 of the weight.</summary>
    public long OutChannels => Weight.shape[0];

    /// <summary>The weight as out × (everything else); a view, so writes reach the model.</summary>
    public Tensor Matrix => Weight.reshape(Weight.shape[0], -1);
}
