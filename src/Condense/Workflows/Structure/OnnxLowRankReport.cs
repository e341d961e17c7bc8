namespace Condense.Workflows.Structure;

/// <summary>What factorising an ONNX model did and cost, measured on the written graph.</summary>
/// <param name="ModelPath">The input model.</param>
/// <param name="OutputPath">The factorised model written.</param>
/// <param name="Data">Where the data came from.</param>
/// <param name="DataIsRandom">True when the data is seeded random inputs.</param>
/// <param name="Method">"whitened SVD (SVD-LLM)" or "plain SVD".</param>
/// <param name="ParamsFraction">The budget asked for.</param>
/// <param name="Layers">Per factorised layer: rank, FLOPs, parameters, bytes, relative output error on held-out inputs.</param>
/// <param name="Skipped">Linear layers left as they were, and why.</param>
/// <param name="ParametersBefore">Stored parameters of the whole model before.</param>
/// <param name="ParametersAfter">… and after.</param>
/// <param name="BytesBefore">File bytes of the input model.</param>
/// <param name="BytesAfter">File bytes written.</param>
/// <param name="Agreement">The written model's first output against the original's on held-out inputs.</param>
/// <param name="Plain">Plain SVD at the same ranks (null unless whitened and compared).</param>
/// <param name="LatencyBeforeMs">Median ONNX Runtime latency of the original, 1 thread.</param>
/// <param name="LatencyAfterMs">… of the written model.</param>
public sealed record OnnxLowRankReport(string ModelPath, string OutputPath, string Data, bool DataIsRandom, string Method, double ParamsFraction,
    IReadOnlyList<StructureLayerRow> Layers, IReadOnlyList<string> Skipped, long ParametersBefore, long ParametersAfter, long BytesBefore, long BytesAfter,
    OutputAgreement Agreement, OutputAgreement? Plain, double? LatencyBeforeMs, double? LatencyAfterMs);
