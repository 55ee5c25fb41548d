using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

using Value = NetDsl.Generator.Layers.LayerValue;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// The limits of the numbers: every count is checked 64-bit arithmetic (the generator is built with
    /// CheckForOverflowUnderflow), so an overflow anywhere in a layer's inference is an <see cref="OverflowException"/>,
    /// caught by <see cref="ApplyLayer"/> and reported as NDSL0050 with the approximate value of the count; a channel count
    /// or argument above int.MaxValue is NDSL0051 (the generated constructors compute in int); and a network whose
    /// parameters or largest activation exceed 64 GiB gets the information NDSL0052.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Above this (bytes), the parameters or an activation of one sample are reported (NDSL0052).</summary>
        public const double MemoryReportBytes = 64.0 * 1024 * 1024 * 1024;

        private double _largestActivation;
        private string _largestActivationText = "";

        /// <summary>The integer arguments of a layer and the names their locations may be under.</summary>
        private static readonly (string Name, string[] Locations, Func<BoundLayer, Expr?> Get)[] IntArguments =
        {
            ("output channels", new[] { "outChannels", "outFeatures", "Out", "filters" }, l => l.Out),
            ("Kernel", new[] { "Kernel", "kernel" }, l => l.Kernel),
            ("Stride", new[] { "Stride" }, l => l.Stride),
            ("Padding", new[] { "Padding" }, l => l.Padding),
            ("OutputPadding", new[] { "OutputPadding" }, l => l.OutputPadding),
            ("Dilation", new[] { "Dilation" }, l => l.Dilation),
            ("Groups", new[] { "Groups" }, l => l.Groups),
            ("In", new[] { "In" }, l => l.In),
            ("Size", new[] { "Size", "size" }, l => l.Size),
            ("Height", new[] { "Height" }, l => l.UpHeight),
            ("Width", new[] { "Width" }, l => l.UpWidth),
            ("Levels", new[] { "Levels" }, l => l.Levels),
            ("Hidden", new[] { "Hidden" }, l => l.Hidden),
        };

        private static LocationInfo? LocationOfAny(BoundLayer layer, string[] names)
        {
            foreach (var name in names)
                if (layer.ArgLocations.TryGetValue(name, out var location) && location is not null) return location;
            return layer.Location;
        }

        /// <summary>
        /// After a layer: its integer arguments and output channels fit an int (the generated code's type), and its output
        /// elements per sample fit 64 bits; records the largest activation. False (reported) when not.
        /// </summary>
        private bool CheckRepresentable(Scope scope, BoundLayer layer, Value output, string where)
        {
            foreach (var (name, locations, get) in IntArguments)
            {
                var expr = get(layer);
                if (expr is null) continue;
                var value = expr.Evaluate(scope.Env, out _);
                if (value is long x && x > int.MaxValue)
                {
                    Report(DiagnosticDescriptors.ValueBeyondInt, LocationOfAny(layer, locations), where, name,
                        x.ToString("#,0", CultureInfo.InvariantCulture), "an int argument of the generated module");
                    return false;
                }
            }
            var shape = output.Shape;
            long channels = shape.Channels + shape.LowChannels;
            if (channels > int.MaxValue)
            {
                Report(DiagnosticDescriptors.ValueBeyondInt, layer.Location, where, "the output's channel count",
                    channels.ToString("#,0", CultureInfo.InvariantCulture), "a channel count of the generated module (in_channels is an int)");
                return false;
            }
            if (shape.Height.IsKnown && shape.Width.IsKnown)
            {
                double elements = (double)shape.Channels * shape.Height.Offset * shape.Width.Offset
                    + (shape.IsOctave ? (double)shape.LowChannels * shape.LowHeight.Offset * shape.LowWidth.Offset : 0);
                if (elements > long.MaxValue)
                {
                    Report(DiagnosticDescriptors.CountOverflow, layer.Location, where, "about " + Expr.FormatLarge(elements) + " output elements per sample",
                        $": the output is {Fmt(shape)}");
                    return false;
                }
                if (elements > _largestActivation)
                {
                    _largestActivation = elements;
                    _largestActivationText = $"{where}'s output {Fmt(shape)}";
                }
            }
            return true;
        }

        /// <summary>NDSL0050 for a layer whose inference overflowed: the counts it computes, estimated in real arithmetic.</summary>
        private void ReportLayerOverflow(Scope scope, BoundLayer layer, Value input, string where)
        {
            var over = LayerEstimates(scope, layer, input).Where(e => e.Value > long.MaxValue).OrderByDescending(e => e.Value).ToList();
            string what = over.Count > 0
                ? string.Join(" and ", over.Select(e => "about " + Expr.FormatLarge(e.Value) + " " + e.Name))
                : "one of the layer's counts";
            Report(DiagnosticDescriptors.CountOverflow, layer.Location, where, what, $": the input is {Fmt(input.Shape)}");
        }

        private List<(string Name, double Value)> LayerEstimates(Scope scope, BoundLayer layer, Value input)
        {
            var shape = input.Shape;
            double cin = shape.Channels + shape.LowChannels;
            double h = Math.Max(1, shape.Height.IsKnown ? shape.Height.Offset : shape.Height.At(1));
            double w = Math.Max(1, shape.Width.IsKnown ? shape.Width.Offset : shape.Width.At(1));
            double Real(Expr? e, double fallback) => e?.EvaluateReal(scope.RealEnv, out _) is double d && d > 0 ? d : fallback;
            double cout = Real(layer.Out, cin), k = Real(layer.Kernel, 1), s = Real(layer.Stride, 1), g = Real(layer.Groups, 1);
            double ho = Math.Max(1, h / s), wo = Math.Max(1, w / s);
            double parameters, macs;
            if (layer.Rule is { ConnectsAllFeatures: true })
            {
                double features = shape.Rank == Rank.Flat ? cin : cin * h * w;
                parameters = features * cout;
                macs = parameters;
            }
            else
            {
                parameters = cout * cin / g * k * k;
                macs = parameters * ho * wo;
            }
            return new List<(string, double)>
            {
                ("parameters", parameters),
                ("multiply-adds", macs),
                ("output elements per sample", cout * ho * wo),
            };
        }

        /// <summary>
        /// NDSL0050 on the network when an overflow escaped the layers (a total, a container sum, a block use): the sums of
        /// the layers' counts in real arithmetic say which.
        /// </summary>
        private void ReportNetworkOverflow(DeclarationSpec network)
        {
            double parameters = 0, macs = 0;
            foreach (var row in _result.Rows)
            {
                if (row.IsContainer) continue;
                parameters += row.Params;
                macs += row.Macs ?? 0;
            }
            var parts = new List<string>();
            if (parameters > long.MaxValue) parts.Add("about " + Expr.FormatLarge(parameters) + " parameters");
            if (macs > long.MaxValue) parts.Add("about " + Expr.FormatLarge(macs) + " multiply-adds");
            string what = parts.Count > 0 ? "the network's total of " + string.Join(" and ", parts) : "a count of the network (a total, a block use or a size constraint)";
            Report(DiagnosticDescriptors.CountOverflow, network.Location, network.DisplayName, what, "");
        }

        /// <summary>NDSL0052 when the parameters (float32) or the largest activation of one sample exceed 64 GiB.</summary>
        private void ReportMemory(DeclarationSpec network)
        {
            double parameterBytes = 4.0 * _result.TotalParams;
            double activationBytes = 4.0 * _largestActivation;
            var parts = new List<string>();
            if (parameterBytes > MemoryReportBytes)
                parts.Add($"its {_result.TotalParams.ToString("#,0", CultureInfo.InvariantCulture)} float32 parameters take about {Expr.FormatLarge(parameterBytes)} bytes");
            if (activationBytes > MemoryReportBytes)
                parts.Add($"the largest activation, {_largestActivationText}, takes about {Expr.FormatLarge(activationBytes)} bytes at batch 1");
            if (parts.Count == 0) return;
            Report(DiagnosticDescriptors.ExceedsMemory, network.Location, network.DisplayName,
                string.Join("; ", parts) + $", more than {Expr.FormatLarge(MemoryReportBytes)} bytes (64 GiB): building or running it needs that much memory");
        }
    }
}
