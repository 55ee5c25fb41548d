using NetDsl.Onnx;

namespace NetDsl.Octave
{
    /// <summary>OctaveSequential as ONNX: its children in order, under their names.</summary>
    public sealed partial class OctaveSequential : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input)
        {
            var y = input;
            foreach (var child in _children) y = g.Module(child, y);
            return y;
        }
    }

    /// <summary>PerFrequency as ONNX: <c>op</c> on the high part, then on the low part when there is one.</summary>
    public sealed partial class PerFrequency : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input) =>
            new OctaveValue(g.Module(_op, input.High), input.Low is { } low ? g.Module(_op, low) : null);
    }
}
