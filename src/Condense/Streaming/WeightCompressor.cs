using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// What the streaming methods share: they compress float tensors of two or more dimensions with
/// at least <see cref="MinElements"/> elements (weight matrices and kernels) and copy the rest
/// (norms, biases, integer tensors), whose side tensors would cost more than they save.
/// </summary>
public abstract class WeightCompressor : ITensorCompressor
{
    /// <param name="method">The method's name in the output's metadata.</param>
    /// <param name="label">The method as messages name it.</param>
    /// <param name="codes">The code tensor's dtype (one byte per element).</param>
    /// <param name="minElements">Smallest tensor compressed; smaller and 1-D tensors are copied.</param>
    protected WeightCompressor(string method, string label, TensorDType codes, long minElements)
    {
        if (minElements < 1) throw new CondenseException($"{label}: minimum elements must be ≥ 1, got {minElements}");
        (Method, _codes, MinElements) = (method, codes, minElements);
    }

    readonly TensorDType _codes;

    /// <summary>Smallest tensor compressed; smaller and 1-D tensors are copied, since their side tensors would cost more than they save.</summary>
    public long MinElements { get; }
    /// <summary>The method's name in the output's metadata.</summary>
    public string Method { get; }
    /// <summary>The method's settings as one string, recorded in the output's metadata.</summary>
    public abstract string Settings { get; }

    /// <summary>Whether the entry is compressed: a float tensor of two or more dimensions with at least <see cref="MinElements"/> elements.</summary>
    public bool Accepts(SafetensorsEntry entry) =>
        entry.DType.IsFloat() && entry.Shape.Length >= 2 && entry.ElementCount >= MinElements;

    /// <summary>The codes (<see cref="Codes"/>), then the method's side tensor.</summary>
    public IReadOnlyList<TensorOutput> Outputs(SafetensorsEntry entry) => [Codes(entry), Side(entry)];

    /// <summary>The code tensor: by default under the tensor's own name and shape.</summary>
    protected virtual TensorOutput Codes(SafetensorsEntry entry) => new(entry.Name, _codes, entry.Shape);

    /// <summary>None, unless the method's layout needs a description (<see cref="KMeans8Compressor"/>).</summary>
    public virtual IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<SafetensorsEntry> compressed) => new Dictionary<string, string>();

    /// <summary>The side tensor that gives an accepted tensor's codes their values (scales, codebook).</summary>
    protected abstract TensorOutput Side(SafetensorsEntry entry);

    /// <summary>Starts encoding one accepted tensor read through <paramref name="source"/>.</summary>
    public abstract ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation);
}
