namespace Condense.Pruning;

/// <summary>How <see cref="SparseModelFile"/> stores a weight matrix.</summary>
public enum SparseEncoding : byte
{
    /// <summary>Every value as float32: 4 bytes per weight, zeros included.</summary>
    Dense = 0,
    /// <summary>Plain CSR: (rows + 1) uint32 row pointers, a uint32 column and a float32 value per nonzero.</summary>
    Csr = 1,
    /// <summary>Deep Compression's relative indices: a b-bit gap and a float32 value per entry, with padding zeros for gaps over 2^b.</summary>
    RelativeIndex = 2,
}
