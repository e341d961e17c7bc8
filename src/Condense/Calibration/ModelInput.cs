using Condense.Formats.Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Calibration;

/// <summary>
/// One graph input a sample must feed: its name, element type and dims, where -1 marks a
/// dimension the model leaves dynamic (symbolic or absent) and no <c>--input-shape</c> fixed.
/// </summary>
public sealed record ModelInput(string Name, DataType Type, long[] Dims)
{
    /// <summary>"FLOAT [1,3,224,224]" with "?" for dynamic dims: how messages show what the model takes.</summary>
    public override string ToString() => $"'{Name}' {OnnxTensorData.TypeName((int)Type)} {Shape(Dims)}";

    /// <summary>A shape as "[1,3,?,?]".</summary>
    public static string Shape(IEnumerable<long> dims) => $"[{string.Join(",", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";

    /// <summary>True when <paramref name="dims"/> fit this input (same rank, equal wherever the input's dim is fixed).</summary>
    public bool Accepts(IReadOnlyList<long> dims) =>
        dims.Count == Dims.Length && Dims.Zip(dims).All(p => p.First < 0 || p.First == p.Second);
}
