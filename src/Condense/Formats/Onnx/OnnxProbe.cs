namespace Condense.Formats.Onnx;

/// <summary>What one run of a model on random inputs gave (<see cref="OnnxVerifier.Probe"/>).</summary>
/// <param name="InputSource">"random (seed S); NAME [dims], …": the inputs it ran on.</param>
/// <param name="Outputs">Each output's name, type and dims.</param>
public sealed record OnnxProbe(string InputSource, IReadOnlyList<OnnxProbeOutput> Outputs);

/// <summary>One output of a probe run.</summary>
/// <param name="Name">Output name.</param>
/// <param name="DataType">ONNX type name.</param>
/// <param name="Shape">Dims it had on that run.</param>
public sealed record OnnxProbeOutput(string Name, string DataType, long[] Shape);
