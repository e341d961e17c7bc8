namespace Condense.Graph.Dependency;

/// <summary>
/// Where channel <c>i</c> of a group lives in one tensor: the indices
/// <c>[Offset + i·Block, Offset + (i+1)·Block)</c> along <see cref="Axis"/> of initializer
/// <see cref="Tensor"/>, read by node <see cref="Node"/>. Offset comes from a Concat before the
/// reader, Block from a Flatten/Reshape that turned each channel into a block of features (a
/// Conv's channel into H·W inputs of a Gemm). For <see cref="SliceRole.ShapeConstant"/>, Offset is
/// the position in the shape vector and Block what one channel adds to it.
/// </summary>
public sealed record ChannelSlice(string Node, string Tensor, int Axis, long Offset, long Block, SliceRole Role);
