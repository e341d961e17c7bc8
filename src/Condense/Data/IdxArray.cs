namespace Condense.Data;

/// <summary>An IDX array as stored: its dimensions and its unsigned bytes, row-major.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>Items along the first dimension (images or labels); 0 for a scalar array.</summary>
    public int Count => Dimensions.Length == 0 ? 0 : Dimensions[0];

    /// <summary>Elements per item (28×28 = 784 for an MNIST image, 1 for a label).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}
