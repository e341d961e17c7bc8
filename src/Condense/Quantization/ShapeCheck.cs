namespace Condense.Quantization;

/// <summary>Shared argument checks for the quantizers (one message style everywhere).</summary>
internal static class ShapeCheck
{
    public static long Count(int length, long[] shape, string what)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (length == 0) throw new CondenseException($"{what}: empty tensor");
        long count = 1;
        foreach (var d in shape)
        {
            if (d <= 0) throw new CondenseException($"{what}: shape [{string.Join(", ", shape)}] has a non-positive dimension");
            count *= d;
        }
        if (count != length) throw new CondenseException($"{what}: shape [{string.Join(", ", shape)}] holds {count} values but {length} were given");
        return count;
    }

    public static void Finite(ReadOnlySpan<float> values, string what)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new CondenseException($"{what}: value {values[i]} at index {i} is not finite (NaN or ±Inf)");
    }
}
