using Onnx;

namespace Condense.Calibration;

/// <summary>
/// Data resolved against a model. Each sample is the complete list of the model's graph inputs
/// (initializers excluded), batch 1, named as the model's inputs and in their order, with the
/// model's element types. Held-out samples come from sources (photos, sentences, rows) never
/// used for calibration, so figures measured on them are honest.
/// </summary>
/// <param name="Calibration">Samples to calibrate on.</param>
/// <param name="HeldOut">Samples to report figures on.</param>
/// <param name="Description">One line for reports, e.g. "256 crops of 14 photos in ./photos (192 calibration, 64 held out)".</param>
/// <param name="IsRandom">True only for the explicit seeded-random fallback; reports must say its figures mean little.</param>
/// <param name="CalibrationLabels">Class labels of the calibration samples (class folders, an .npz's "labels"), or null.</param>
/// <param name="HeldOutLabels">Class labels of the held-out samples, or null.</param>
public sealed record CalibrationData(
    IReadOnlyList<IReadOnlyList<TensorProto>> Calibration,
    IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut,
    string Description,
    bool IsRandom,
    IReadOnlyList<int>? CalibrationLabels = null, IReadOnlyList<int>? HeldOutLabels = null)
{
    /// <summary>Class names when the labels came from class folders (index = label), else empty.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>
    /// The source (photo) each calibration sample was made from, index-aligned with <see cref="Calibration"/>, when several
    /// samples share one (an image folder's crops); null when every sample is its own source (sentences, array rows).
    /// The selection split withholds whole sources with it (<see cref="SelectionSplit"/>).
    /// </summary>
    public IReadOnlyList<int>? CalibrationSources
    {
        get;
        init => field = value is null || value.Count == Calibration.Count ? value
            : throw new ArgumentException($"{value.Count} calibration sources for {Calibration.Count} calibration samples", nameof(CalibrationSources));
    }
}
