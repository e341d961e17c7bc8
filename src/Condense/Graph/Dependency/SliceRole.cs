namespace Condense.Graph.Dependency;

/// <summary>What removing a channel does to one tensor the channel touches.</summary>
public enum SliceRole
{
    /// <summary>The channel is an output of this weight (a Conv's row, a MatMul's column): its slice goes.</summary>
    ProducerOutput,

    /// <summary>A per-channel parameter downstream (bias, BatchNormalization statistics, a depthwise filter): its entry goes.</summary>
    PerChannel,

    /// <summary>The channel is an input of this weight (the next layer): its slice goes and the layer may be refitted.</summary>
    ConsumerInput,

    /// <summary>A constant shape of a Reshape that states the channel count: the count shrinks.</summary>
    ShapeConstant,
}
