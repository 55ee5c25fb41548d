using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>What a rule's code generation sees: the input channels of a layer as C# (a number in a network, an
    /// expression over in_channels and the parameters in a block), the compile-time facts of a network's layer, and the
    /// octave split of its input.</summary>
    public sealed class LayerEmission
    {
        private readonly Func<BoundLayer, Expr?> _input;
        private readonly Func<BoundLayer, LayerFacts?> _facts;
        private readonly Func<BoundLayer, bool> _flatInput;
        private readonly Func<BoundLayer, Expr?> _alpha;
        private readonly Func<BoundLayer, bool> _channelsLast;

        internal LayerEmission(Func<BoundLayer, Expr?> input, Func<BoundLayer, LayerFacts?> facts, Func<BoundLayer, bool> flatInput, Func<BoundLayer, Expr?> alpha,
            Func<BoundLayer, bool> channelsLast)
        {
            _channelsLast = channelsLast;
            _input = input;
            _facts = facts;
            _flatInput = flatInput;
            _alpha = alpha;
        }

        /// <summary>The layer's input channels as C#.</summary>
        public string InChannels(BoundLayer layer) => _input(layer)?.ToCSharp() ?? "?";

        /// <summary>The layer's input channels as an expression (null when unknown).</summary>
        public Expr? InChannelsExpr(BoundLayer layer) => _input(layer);

        /// <summary>In a network: the layer's input and output shapes from inference; null in a block.</summary>
        public LayerFacts? Facts(BoundLayer layer) => _facts(layer);

        /// <summary>Features of a layer that may follow Flatten (C*H*W, which only a network's inference knows).</summary>
        public string Features(BoundLayer layer) =>
            Facts(layer) is { } facts ? facts.Input.Channels.ToString(CultureInfo.InvariantCulture) : InChannels(layer);

        /// <summary>Whether the layer receives a flat [N, F] tensor.</summary>
        public bool IsFlatInput(BoundLayer layer) => _flatInput(layer);

        /// <summary>Whether the layer receives a channels-last [N, H, W, C] map.</summary>
        public bool IsChannelsLast(BoundLayer layer) => Facts(layer) is { } facts ? facts.Input.ChannelsLast : _channelsLast(layer);

        /// <summary>The low-frequency fraction of the layer's input (a real expression; 0 for a plain tensor).</summary>
        public Expr Alpha(BoundLayer layer) => _alpha(layer) ?? Expr.Real(0);

        // ---------------------------------------------------------------- C# text helpers

        public static bool IsOne(Expr? e) => e is null || e.Equals(Expr.Num(1));

        public static bool IsZero(Expr? e) => e is null || e.Equals(Expr.Num(0));

        /// <summary>A double literal (always with a '.' or an exponent, so it reads as a double).</summary>
        public static string Double(double value)
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains(".") || text.Contains("E") ? text : text + ".0";
        }

        public static string Literal(string text) =>
            "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

        /// <summary>"new long[] { 1, 2, 3 }".</summary>
        public static string LongArray(IEnumerable<long> values) => "new long[] { " + string.Join(", ", values) + " }";

        /// <summary>Arguments that are left out when they have their default: `name: value` for each non-default one.</summary>
        public static void Optional(List<string> args, string name, Expr? value, long defaultValue)
        {
            if (value is null || value.Equals(Expr.Num(defaultValue))) return;
            args.Add(name + ": " + value.ToCSharp());
        }
    }
}
