namespace Condense.Analysis;

/// <summary>One layer's choice in a plan.</summary>
/// <param name="Node">The ONNX node.</param>
/// <param name="Weight">Its weight initializer.</param>
/// <param name="Setting">The setting chosen.</param>
/// <param name="Bytes">The weight's bytes in the file under it.</param>
/// <param name="ModelError">The model's relative output error with this layer alone at this setting (what the planner added up).</param>
/// <param name="Kept">Held at float32 by <c>--keep</c>.</param>
public sealed record PlannedLayer(string Node, string Weight, string Setting, long Bytes, double ModelError, bool Kept);
