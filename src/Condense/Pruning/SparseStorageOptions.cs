using Condense.Codecs;
namespace Condense.Pruning;

/// <summary>How <see cref="SparseModelFile"/> stores weight matrices.</summary>
public sealed record SparseStorageOptions
{
    /// <summary>Encoding of 2-D weights; 1-D tensors (biases) are always dense. Default: relative indices.</summary>
    public SparseEncoding Encoding { get; init => field = Enum.IsDefined(value) ? value : throw new CondenseException($"sparse encoding must be one of {string.Join(", ", Enum.GetNames<SparseEncoding>())}, got {(int)value}"); } = SparseEncoding.RelativeIndex;

    /// <summary>Gap width for <see cref="SparseEncoding.RelativeIndex"/>, 1–8; null picks the cheapest per tensor. Checked when set: invalid options cannot be built.</summary>
    public int? Bits
    {
        get;
        init => field = value is not { } b || b is >= RelativeIndex.MinBits and <= RelativeIndex.MaxBits ? value
            : throw new CondenseException($"relative index width must be {RelativeIndex.MinBits}–{RelativeIndex.MaxBits} bits, got {b}");
    }

    /// <summary>Store a tensor dense when its sparse form would be larger (a half-pruned layer). Default true.</summary>
    public bool FallBackToDense { get; init; } = true;
}

/// <summary>One tensor as written: its encoding and the exact bytes its record takes in the file.</summary>
public sealed record SparseTensorReport(string Name, long[] Shape, SparseEncoding Encoding, int? Bits, long Nonzeros, long Entries, long Bytes);

/// <summary>
/// What a sparse file holds, byte for byte: <see cref="HeaderBytes"/> (magic, version, metadata,
/// count) plus every tensor's record add up to <see cref="FileBytes"/>, the length of the file.
/// </summary>
public sealed record SparseFileReport(long FileBytes, long HeaderBytes, IReadOnlyList<SparseTensorReport> Tensors);
