using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Calibration;

/// <summary>
/// The explicit fallback when no data is given: seeded random inputs exactly as
/// <see cref="OnnxVerifier.RandomInputs(Onnx.GraphProto, int)"/> makes them (standard normal floats, zero integers,
/// dynamic dims 1 unless <c>--input-shape</c> sets them), one seed per sample. Figures measured on
/// them say little about real inputs, and the description says so.
/// </summary>
public static class RandomCalibration
{
    /// <summary>Builds <see cref="DataSpec.Count"/> random samples, split like any other data.</summary>
    public static CalibrationData Build(IReadOnlyList<ModelInput> inputs, DataSpec spec)
    {
        var graph = new GraphProto();
        foreach (var input in inputs)
        {
            var shape = new TensorShapeProto();
            foreach (var d in input.Dims) shape.Dim.Add(d > 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = "dynamic" });
            graph.Input.Add(new ValueInfoProto { Name = input.Name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)input.Type, Shape = shape } } });
        }
        var bytes = inputs.Sum(i => Math.Max(OnnxTensorData.ElementCount(i.Dims.Select(d => Math.Max(d, 1L)).ToArray(), 1L << 40), 0) * Math.Max(OnnxTensorData.ElementSize((int)i.Type), 1));
        CalibrationDataLoader.CheckMemory(spec.Count, bytes, "random inputs");
        var split = SourceSplit.Make(spec.Count, spec.Count, spec.HeldOutFraction, spec.Seed);
        var calibration = split.Calibration.Select(i => OnnxVerifier.RandomInputs(graph, spec.Seed + i)).ToList();
        var heldOut = split.HeldOut.Select(i => OnnxVerifier.RandomInputs(graph, spec.Seed + i)).ToList();
        var description = $"{spec.Count} seeded random inputs (seed {spec.Seed}; {calibration.Count} calibration, {heldOut.Count} held out): no --data given, so figures measured on them mean little";
        return new CalibrationData(calibration, heldOut, description, true);
    }
}
