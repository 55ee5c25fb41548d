using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// What a rule's shape rule sees of the inference: the layer, its input value, its summary row, where it is (for
    /// messages), and the engine's helpers: evaluation of the layer's expressions in the current scope, range checks and
    /// diagnostics on the argument that is wrong, sliding-window sizes with symbolic-size constraints, multiply-add terms,
    /// and the facts the emitter reads back.
    /// </summary>
    public sealed class LayerInference
    {
        private readonly ShapeInference _engine;
        private readonly ShapeInference.Scope _scope;

        internal LayerInference(ShapeInference engine, ShapeInference.Scope scope, BoundLayer layer, LayerValue input, SummaryRow row, string where)
        {
            _engine = engine;
            _scope = scope;
            Layer = layer;
            Input = input;
            Row = row;
            Where = where;
        }

        public BoundLayer Layer { get; }
        public LayerValue Input { get; }
        public SummaryRow Row { get; }
        public string Where { get; }

        /// <summary>Whether the layer is inside a block (one generated class for every use).</summary>
        public bool IsBlock => _scope.IsBlock;

        public long ModH => _engine.ModH;
        public long ModW => _engine.ModW;

        public string Fmt(TensorShape shape) => _engine.Fmt(shape);

        public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args) => _engine.Report(descriptor, location, args);

        /// <summary>Evaluates an integer argument in the current scope (a block's parameters per use); reports a failure on it.</summary>
        public bool TryEval(string argument, Expr? expr, out long value) => _engine.TryEval(_scope, Layer, argument, expr, Where, out value);

        public bool TryEvalReal(string argument, Expr? expr, out double value) => _engine.TryEvalReal(_scope, Layer, argument, expr, Where, out value);

        /// <summary>NDSL0010 on <paramref name="argument"/> unless <paramref name="condition"/>.</summary>
        public bool Check(bool condition, string argument, string message) => _engine.Check(_scope, condition, Layer, argument, Where, message);

        /// <summary>Where a diagnostic on <paramref name="argument"/> belongs: the argument, or the use's argument that set the
        /// block parameter its value comes from.</summary>
        public LocationInfo? LocationOf(string argument) => _engine.LocationOf(_scope, Layer, argument);

        /// <summary>NDSL0018 unless the input is an [N, C, H, W] map.</summary>
        public bool RequireMap(string what) => _engine.RequireMap(Input, Layer, Where, what);

        /// <summary>Output size of a sliding window along one axis (conv or pool), with the diagnostics and symbolic constraints.</summary>
        public Dim? WindowDim(Dim x, long k, long s, long p, long d, bool ceilMode, bool isHeight, string name) =>
            _engine.WindowDim(x, k, s, p, d, ceilMode, isHeight, Layer, Where, name);

        public Dim? TransposeDim(Dim x, long k, long s, long p, long op, long d, bool isHeight) =>
            _engine.TransposeDim(x, k, s, p, op, d, isHeight, Layer, Where);

        /// <summary>ceil(x / 2): one wavelet level.</summary>
        public Dim HalveCeil(Dim x, bool isHeight) => _engine.HalveCeil(x, isHeight);

        /// <summary>floor(x / 2): 2x2 average pooling.</summary>
        public Dim HalveFloor(Dim x, bool isHeight) => _engine.HalveFloor(x, isHeight);

        /// <summary>Multiply-adds of <paramref name="perPixel"/> per position of an h x w map (null for symbolic sizes; the
        /// term is kept so the total can be evaluated at any size).</summary>
        public long? MacsOver(long perPixel, Dim h, Dim w) => _engine.MacsOver(perPixel, h, w);

        /// <summary>Multiply-adds per cell of a SPEED bin's pooled grid.</summary>
        public long? MacsOverGrid(long perCell, Dim h, Dim w, long bin) => _engine.MacsOverGrid(perCell, h, w, bin);

        /// <summary>A multiply-add term that does not grow with the map (e.g. once per sample).</summary>
        public void AddMacTerm(MacTerm term) => _engine.AddMacTerm(term);

        /// <summary>A symbolic size must be at least <paramref name="minT"/> periods.</summary>
        public void RequireT(bool isHeight, long minT) => _engine.RequireT(isHeight, minT);

        /// <summary>A child row of this layer's row (a submodule of the runtime module: its path is a state_dict prefix).</summary>
        public void AddRow(SummaryRow row) => _engine.AddRow(row);

        /// <summary>Records the layer's input and output shapes for the emitter (networks only).</summary>
        public void Record(TensorShape input, TensorShape output) => _engine.Record(_scope, Layer, input, output);

        /// <summary>NDSL0032: a dilated k x k kernel reaching past the map.</summary>
        public void ReportDegenerateDilation(string argument, TensorShape shape, long rate, string subject) =>
            _engine.ReportDegenerateDilation(Layer, argument, Where, shape, rate, subject);

        /// <summary>NDSL0030: odd sizes a wavelet level pads.</summary>
        public void ReportOddSizes(string stage, TensorShape shape, string what) => _engine.ReportOddSizes(Layer, Where, stage, shape, what);

        /// <summary>NDSL0037 unless the high-frequency size is a multiple of <paramref name="multiple"/>.</summary>
        public bool RequireOctaveMultiple(TensorShape shape, long multiple, string why) => _engine.RequireOctaveMultiple(Layer, Where, shape, multiple, why);

        /// <summary>
        /// The output of a sliding window of <paramref name="extent"/> pixels and stride <paramref name="stride"/> (a conv, a
        /// pool) giving <paramref name="shape"/>, recorded for the emitter: the receptive field grows by extent − 1 input
        /// steps, the step and the path's stride by the stride.
        /// </summary>
        public LayerValue Windowed(TensorShape shape, long extent, long stride)
        {
            var v = Input;
            v.Shape = shape;
            v.Rf = Input.Rf + (extent - 1) * Input.Jump;
            v.Jump = Input.Jump * stride;
            v.PathStride = Input.PathStride * stride;
            Record(Input.Shape, shape);
            return v;
        }

        /// <summary>The input with a new shape, for rules whose output keeps everything else.</summary>
        public LayerValue With(TensorShape shape)
        {
            var v = Input;
            v.Shape = shape;
            return v;
        }
    }

    /// <summary>A tensor in the flow, with what the receptive-field, shortcut and octave logic need.</summary>
    public struct LayerValue
    {
        public TensorShape Shape;
        public double Rf;
        public double Jump;
        public bool Global;
        /// <summary>Product of the strides since the declaration's input; 0 when not an integer stride.</summary>
        public long PathStride;
        /// <summary>A flat tensor whose features came from more than one pixel.</summary>
        public bool FlatFromSpatial;
        /// <summary>Low-frequency fraction of an octave value (the alpha_out that made it); 0 for a plain tensor.</summary>
        public double Alpha;
    }
}
