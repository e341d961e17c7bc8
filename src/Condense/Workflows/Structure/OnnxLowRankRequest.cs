using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>Low-rank factorisation of an ONNX model's linear layers (<see cref="OnnxLowRankWorkflow"/>).</summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="OutputPath">Where the factorised model goes; written only after ONNX Runtime ran it on the held-out inputs.</param>
/// <param name="ParamsFraction">Share of each factorised layer's parameters removed, in (0, 1): rank r = ⌊(1 − F)·K·N/(K + N)⌋.</param>
/// <param name="Whitened">SVD whitened by the layer's input statistics (SVD-LLM; needs calibration data), else plain SVD.</param>
/// <param name="Calibration">Input sets the statistics are collected on.</param>
/// <param name="HeldOut">Input sets the result is measured on; none: seeded random inputs.</param>
/// <param name="DataDescription">Where the data came from.</param>
/// <param name="DataIsRandom">True when the data is the seeded-random fallback.</param>
/// <param name="ComparePlain">With whitening, also measure plain SVD at the same ranks (the figure beside it).</param>
/// <param name="LatencyRuns">ONNX Runtime runs per model for the latency median (0: none).</param>
public sealed record OnnxLowRankRequest(string ModelPath, string OutputPath, double ParamsFraction, bool Whitened,
    IReadOnlyList<IReadOnlyList<TensorProto>> Calibration, IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut,
    string DataDescription = "", bool DataIsRandom = false, bool ComparePlain = true, int LatencyRuns = 20);
