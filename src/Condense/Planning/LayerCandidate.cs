namespace Condense.Planning;

/// <summary>
/// A setting tried on one layer alone (the rest of the network untouched): its exact bytes in
/// the container, the cond₁ bound cond₁(W)·‖W − Q‖₁/‖W‖₁ on the layer's relative output error,
/// and the accuracy it cost on the calibration images.
/// </summary>
public sealed record LayerCandidate(string Layer, LayerSetting Setting, long Bytes, double RelativeError, double Bound, double AccuracyDrop);
