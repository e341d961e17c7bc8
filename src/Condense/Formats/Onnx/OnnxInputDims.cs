using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// Concrete dims for a model's inputs when some are dynamic, in the order worth trying: first a
/// guess from the names (a symbolic dim called like a sequence or time axis gets 8, everything
/// else 1), then every dynamic dim 1, then 16 except batch-like dims. A symbolic name always gets
/// one value across all inputs (<c>batch</c> of <c>input_ids</c> and of <c>attention_mask</c>
/// agree); shapes the user gave win over every guess.
/// </summary>
public static class OnnxInputDims
{
    /// <summary>How many default guesses <see cref="Resolve"/> knows.</summary>
    public const int Guesses = 3;

    static readonly string[] SequenceWords = ["seq", "sequence", "length", "len", "time", "token", "frame", "step", "position"];
    static readonly string[] BatchWords = ["batch", "n", "b", "N", "B", "unk__batch"];

    /// <summary>The dims of every runtime input (initializers excluded) under guess <paramref name="guess"/> (0..<see cref="Guesses"/>−1).</summary>
    public static IReadOnlyList<(ValueInfoProto Input, long[] Dims)> Resolve(GraphProto graph, OnnxInputShapes shapes, int guess)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var unknown = shapes.Shapes.Keys.Where(k => !inputs.Any(i => i.Name == k)).ToList();
        if (unknown.Count > 0)
            throw new CondenseException($"--input-shape names '{unknown[0]}', which is not an input of the model (inputs: {string.Join(", ", inputs.Select(i => i.Name))})");
        var list = new List<(ValueInfoProto, long[])>();
        foreach (var input in inputs)
        {
            var declared = input.Type?.TensorType?.Shape?.Dim;
            if (shapes.Shapes.TryGetValue(input.Name, out var given))
            {
                if (declared is not null && declared.Count != given.Length)
                    throw new CondenseException($"--input-shape gives input '{input.Name}' {given.Length} dims, but the model declares {declared.Count}");
                for (int d = 0; declared is not null && d < declared.Count; d++)
                    if (declared[d].HasDimValue && declared[d].DimValue > 0 && declared[d].DimValue != given[d])
                        throw new CondenseException($"--input-shape gives input '{input.Name}' dim {d} = {given[d]}, but the model fixes it at {declared[d].DimValue}");
                list.Add((input, given));
                continue;
            }
            list.Add((input, declared?.Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : Guess(d.DimParam, guess)).ToArray() ?? []));
        }
        return list;
    }

    /// <summary>Whether any runtime input has a dim that is not fixed (so another guess may run where one failed).</summary>
    public static bool HasDynamicDims(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.Where(i => !initializers.Contains(i.Name))
            .Any(i => i.Type?.TensorType?.Shape?.Dim.Any(d => !(d.HasDimValue && d.DimValue > 0)) == true);
    }

    static long Guess(string name, int guess)
    {
        var lower = name.ToLowerInvariant();
        var sequence = SequenceWords.Any(w => lower.Contains(w, StringComparison.Ordinal));
        var batch = BatchWords.Contains(name, StringComparer.Ordinal) || lower.Contains("batch", StringComparison.Ordinal);
        return guess switch
        {
            0 => sequence && !batch ? 8 : 1,
            1 => 1,
            _ => batch ? 1 : 16,
        };
    }
}
