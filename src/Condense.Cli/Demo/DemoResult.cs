using Condense.Models;

namespace Condense.Cli.Demo;

/// <summary>A trained model of the demo with its reference (fp32 ONNX) outputs.</summary>
public sealed record DemoModel(string Name, ModelKind Kind, MlpModel Net, string SafetensorsPath, string OnnxPath, long Fp32OnnxBytes, float[] ReferenceOutputs);

/// <summary>One layer at one k-means bit width: its cond₁ and effective rank, the bound and the measured output error.</summary>
public sealed record DemoLayerRow(string Layer, int Rows, int Columns, int Bits, double Cond1, double EffectiveRank,
    double RelativeOneNormError, double Bound, double MeasuredMean, double MeasuredMax);

/// <summary>The photo at one k: mean error and sizes.</summary>
public sealed record DemoColorRow(int K, double MeanError, long RawBytes, long PngBytes, string File);

/// <summary>Everything the demo measured, for the report.</summary>
public sealed record DemoResult(IReadOnlyList<DemoRow> Rows, IReadOnlyList<DemoLayerRow> Layers, IReadOnlyList<DemoColorRow> Colors,
    IReadOnlyList<string> Notes, double Seconds);

public sealed record DemoOptions(string Folder, bool Quick, bool Retrain, int OutputSamples = 500);
