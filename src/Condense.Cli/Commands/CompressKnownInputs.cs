using Condense.Data;
using Condense.Formats.Onnx;

namespace Condense.Cli.Commands;

/// <summary>The verification inputs <c>compress</c> uses without --data.</summary>
public static class CompressKnownInputs
{
    /// <summary>
    /// Real inputs where they are known: ONNX test data beside the model, or, for a model
    /// exported by Condense, the first 256 test images of the data set it was trained on.
    /// </summary>
    public static (IReadOnlyList<Onnx.TensorProto>? Inputs, string? Source) For(Onnx.ModelProto model, string path)
    {
        if (OnnxVerifier.StoredInputs(path) is { } stored) return (stored, "test_data_set_0 beside the model");
        var dataSet = model.MetadataProps.FirstOrDefault(m => m.Key == OnnxExporter.DataSetKey)?.Value;
        if (dataSet is null || !DataSets.Names.Contains(dataSet) || (dataSet == DataSets.Fashion && !DataSets.FashionAvailable)) return (null, null);
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var test = DataSets.Load(dataSet).Test;
        if (inputs.Count != 1 || inputs[0].Type?.TensorType?.Shape?.Dim is not { Count: 2 } dims || dims[1].DimValue != test.Features)
            return (null, null);
        var count = Math.Min(256, test.Count);
        var images = test.Images.AsSpan(0, count * test.Features);
        return ([OnnxTensorData.FromFloat32(inputs[0].Name, images, [count, test.Features])], $"{dataSet} test images (first {count})");
    }
}
