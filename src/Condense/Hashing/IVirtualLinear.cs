using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// A linear layer whose out × in weight matrix is virtual: computed on every forward pass from
/// fewer real parameters. What hashed and structured layers share, so the model, the
/// compression-factor report and the dense export treat them alike.
/// </summary>
public interface IVirtualLinear
{
    /// <summary>Inputs of the virtual weight matrix.</summary>
    int InFeatures { get; }
    /// <summary>Outputs of the virtual weight matrix.</summary>
    int OutFeatures { get; }

    /// <summary>Real trainable numbers holding the weights (pool, or U and V); biases excluded.</summary>
    long RealWeights { get; }

    /// <summary>The bias (real, one per output).</summary>
    Tensor Bias { get; }

    /// <summary>The out × in matrix the layer multiplies by, recomputed from the real parameters
    /// (a fresh tensor, differentiable with respect to them).</summary>
    Tensor VirtualWeight();
}
