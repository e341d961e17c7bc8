namespace Condense.Cli.Demo;

/// <summary>
/// One compressed artefact of the demo: what made it, how big its file is, and how well the file
/// does when loaded back (accuracy for the classifier, MSE for the autoencoder).
/// </summary>
/// <param name="Model">classifier or autoencoder.</param>
/// <param name="Method">The method's family (fp32, fp16, k-means, linear, pruning, low rank, …).</param>
/// <param name="Setting">The setting within it (bits, sparsity, rank, …).</param>
/// <param name="File">Path of the file, relative to the demo folder.</param>
/// <param name="Bytes">The file's size on disk.</param>
/// <param name="TimesSmaller">Bytes of the model's fp32 ONNX file ÷ <see cref="Bytes"/>: how many times smaller (the inverse of a ratio, which is compressed ÷ original).</param>
/// <param name="Accuracy">Test accuracy of the file (classifier), null otherwise.</param>
/// <param name="Mse">Test MSE of the file (autoencoder), null otherwise.</param>
/// <param name="OutputError">Σ|y − y₀| / Σ|y₀| over test inputs, against the fp32 model's outputs.</param>
/// <param name="Runtime">What evaluated the file: "onnxruntime" or "condense".</param>
public sealed record DemoRow(string Model, string Method, string Setting, string File, long Bytes, double TimesSmaller,
    double? Accuracy, double? Mse, double OutputError, string Runtime)
{
    /// <summary>The quality figure of the row: accuracy or MSE.</summary>
    public double Quality => Accuracy ?? Mse ?? double.NaN;
}
