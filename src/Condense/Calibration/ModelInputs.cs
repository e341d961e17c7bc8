using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Calibration;

/// <summary>The inputs a sample must feed: the graph's inputs that are not initializers, with <c>--input-shape</c> applied.</summary>
public static class ModelInputs
{
    /// <summary>
    /// The inputs of <paramref name="graph"/> in graph order. A shape in <paramref name="shapes"/>
    /// replaces the input's dims (rank and fixed dims must agree with the model); naming an input
    /// the model does not have is a <see cref="CondenseException"/>.
    /// </summary>
    public static IReadOnlyList<ModelInput> Of(GraphProto graph, IReadOnlyDictionary<string, long[]>? shapes, string source)
    {
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = new List<ModelInput>();
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name)))
        {
            var tensorType = input.Type?.TensorType
                ?? throw new CondenseException($"{source}: input '{input.Name}' is not a tensor; Condense feeds tensors only");
            long[] dims = tensorType.Shape?.Dim.Select(d => d.HasDimValue && d.DimValue > 0 ? d.DimValue : -1L).ToArray() ?? [];
            var model = new ModelInput(input.Name, (DataType)tensorType.ElemType, dims);
            if (shapes is not null && shapes.TryGetValue(input.Name, out var given))
            {
                if (tensorType.Shape is not null && !model.Accepts(given))
                    throw new CondenseException($"{source}: --input-shape {input.Name}={string.Join(",", given)} does not fit the model's input {model}");
                model = model with { Dims = given.ToArray() };
            }
            inputs.Add(model);
        }
        if (shapes is not null)
            foreach (var name in shapes.Keys)
                if (!inputs.Any(i => i.Name == name))
                    throw new CondenseException($"{source}: --input-shape names '{name}', but the model's inputs are {string.Join(", ", inputs.Select(i => i.Name))}");
        if (inputs.Count == 0) throw new CondenseException($"{source}: the model has no inputs to feed");
        return inputs;
    }
}
