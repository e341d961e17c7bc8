namespace Condense.Calibration;

/// <summary>The order of colour channels a model expects (Caffe-era models often want BGR).</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
