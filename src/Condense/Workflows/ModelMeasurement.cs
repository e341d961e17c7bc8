using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// What <see cref="ModelFiles.Measure"/> found: the file's format and length, the network it
/// holds (its <c>architecture</c> metadata, or "ONNX graph" when an ONNX file has none), the task
/// it was judged on, the data set, and the evaluation itself.
/// </summary>
public sealed record ModelMeasurement(string Path, ModelFileFormat Format, long Bytes, string Architecture, ModelTask Task, string DataSet, Evaluation Evaluation);
