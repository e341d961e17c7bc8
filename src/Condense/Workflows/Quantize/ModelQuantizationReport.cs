namespace Condense.Workflows.Quantize;

/// <summary>
/// What <c>condense quantize</c> did to a model: the file written, each layer's
/// <see cref="QuantizedLayerReport"/>, the bytes before and after, and the model's quality before
/// and after on its test split. Property order is the JSON key order (snake_case).
/// </summary>
/// <param name="Model">The input model file.</param>
/// <param name="Output">The quantized file written.</param>
/// <param name="Kind">The network kind (Classifier, Autoencoder, …).</param>
/// <param name="Data">The data set the model was measured on.</param>
/// <param name="TestItems">Items in the test split.</param>
/// <param name="Method">kmeans or linear.</param>
/// <param name="Bits">Bits per weight.</param>
/// <param name="Granularity">PerTensor or PerChannel.</param>
/// <param name="Samples">Test inputs the measured output errors used.</param>
/// <param name="Layers">One entry per linear layer, in order.</param>
/// <param name="ParameterBytesBefore">float32 bytes of every parameter.</param>
/// <param name="TensorBytesAfter">Bytes of the written file's tensor data (the file less its header).</param>
/// <param name="FileBytesBefore">The input file's length.</param>
/// <param name="FileBytesAfter">The written file's length.</param>
/// <param name="TimesSmaller">ParameterBytesBefore / TensorBytesAfter (how many times smaller: the inverse of a ratio, which is compressed ÷ original).</param>
/// <param name="MaxCond1">Largest cond₁ over the layers.</param>
/// <param name="AccuracyBefore">Test accuracy before (null for reconstruction models).</param>
/// <param name="AccuracyAfter">Test accuracy after (null for reconstruction models).</param>
/// <param name="LossBefore">Test loss before.</param>
/// <param name="LossAfter">Test loss after.</param>
/// <param name="MseBefore">Test MSE before (null for classifiers).</param>
/// <param name="MseAfter">Test MSE after (null for classifiers).</param>
public sealed record ModelQuantizationReport(
    string Model, string Output, string Kind, string Data, int TestItems, string Method, int Bits, string Granularity, int Samples,
    IReadOnlyList<QuantizedLayerReport> Layers,
    long ParameterBytesBefore, long TensorBytesAfter, long FileBytesBefore, long FileBytesAfter, double TimesSmaller, double MaxCond1,
    double? AccuracyBefore, double? AccuracyAfter, double LossBefore, double LossAfter, double? MseBefore, double? MseAfter);
