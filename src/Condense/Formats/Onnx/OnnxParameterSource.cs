namespace Condense.Formats.Onnx;

/// <summary>Where a model keeps a weight tensor.</summary>
public enum OnnxParameterSource
{
    /// <summary>A graph initializer (the usual place).</summary>
    Initializer,

    /// <summary>The <c>value</c> attribute of a <c>Constant</c> node (common in exported models).</summary>
    ConstantNode,
}
