namespace Condense.Workflows.Structure;

/// <summary>What structured pruning of an ONNX model did and cost, measured on the written graph.</summary>
/// <param name="ModelPath">The input model.</param>
/// <param name="OutputPath">The pruned model written.</param>
/// <param name="Data">Where the calibration and held-out data came from.</param>
/// <param name="DataIsRandom">True when the data is seeded random inputs (figures mean little).</param>
/// <param name="Budget">The budget as asked, e.g. "25 % of FLOPs, uniform, reconstruction, refit".</param>
/// <param name="Groups">Every prunable group: its width and how many channels went.</param>
/// <param name="LeftWhole">Groups left whole and why (graph outputs, ops Condense cannot follow, shared weights …).</param>
/// <param name="Layers">Per changed layer: FLOPs, parameters, bytes before and after, relative output error on held-out inputs.</param>
/// <param name="RemovedFraction">Share of the budget's measure removed from the prunable layers.</param>
/// <param name="PrunableFlopsBefore">FLOPs of the prunable layers before.</param>
/// <param name="PrunableFlopsAfter">… and after.</param>
/// <param name="ParametersBefore">Stored parameters of the whole model before.</param>
/// <param name="ParametersAfter">… and after.</param>
/// <param name="BytesBefore">File bytes of the input model.</param>
/// <param name="BytesAfter">File bytes written.</param>
/// <param name="Agreement">The pruned model's first output against the original's on held-out inputs.</param>
/// <param name="WithoutRefit">The same cut without refit (null when refit is off or not compared).</param>
/// <param name="LatencyBeforeMs">Median ONNX Runtime latency of the original, 1 thread (null when not measured).</param>
/// <param name="LatencyAfterMs">… of the pruned model.</param>
public sealed record OnnxPruneReport(string ModelPath, string OutputPath, string Data, bool DataIsRandom, string Budget,
    IReadOnlyList<PrunedGroupRow> Groups, IReadOnlyList<LeftWholeRow> LeftWhole, IReadOnlyList<StructureLayerRow> Layers,
    double RemovedFraction, double PrunableFlopsBefore, double PrunableFlopsAfter, long ParametersBefore, long ParametersAfter,
    long BytesBefore, long BytesAfter, OutputAgreement Agreement, OutputAgreement? WithoutRefit, double? LatencyBeforeMs, double? LatencyAfterMs);

/// <summary>One prunable group.</summary>
public sealed record PrunedGroupRow(string Group, int Width, int Removed, IReadOnlyList<string> Producers, IReadOnlyList<string> Consumers);

/// <summary>A group left whole, and why.</summary>
public sealed record LeftWholeRow(string Group, int Width, string Reason);

/// <summary>One layer a structural pass changed.</summary>
public sealed record StructureLayerRow(string Node, string Op, double FlopsBefore, double FlopsAfter, long ParamsBefore, long ParamsAfter,
    long BytesBefore, long BytesAfter, double? RelativeError, string Change);
