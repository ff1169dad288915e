package io.graceful.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The timeline PNG, drawn with Java2D: requests per second by outcome (by start time)
 * and, per instance, vertical marks for SIGTERM, withdraw end, drain end, exit and UP
 * again in HAProxy.
 */
final class TimelineChart {

	private static final int WIDTH = 1500;

	private static final int HEIGHT = 600;

	private static final int LEFT = 70;

	private static final int RIGHT = 30;

	private static final int TOP = 125;

	private static final int BOTTOM = 90;

	private static final Color OK = new Color(0x4caf50);

	private static final Color FAILED = new Color(0xe53935);

	private record Mark(String kind, String letter, Color color, boolean dashed) {
	}

	private static final List<Mark> MARKS = List.of(new Mark("deleted", "R", new Color(0x6a1b9a), true),
			new Mark("removed", "M", new Color(0x6a1b9a), false),
			new Mark("last routed", "L", new Color(0x00838f), true),
			new Mark("SIGTERM", "T", new Color(0xc62828), false),
			new Mark("withdraw end", "W", new Color(0xef6c00), false),
			new Mark("drain end", "D", new Color(0x1565c0), false), new Mark("exit", "X", Color.BLACK, false),
			new Mark("SIGKILL", "K", Color.MAGENTA, false), new Mark("limit", "E", Color.GRAY, true),
			new Mark("UP", "U", new Color(0x2e7d32), true));

	private TimelineChart() {
	}

	static void write(RunResult run, Path file) {
		System.setProperty("java.awt.headless", "true");
		double seconds = Math.max(1, (run.loadEndMs() - run.loadStartMs()) / 1000);
		int buckets = (int) Math.ceil(seconds);
		int[] ok = new int[buckets + 1];
		int[] failed = new int[buckets + 1];
		for (LoadGenerator.Request request : run.requests()) {
			int bucket = (int) Math.max(0, Math.min(buckets, (request.startMs() - run.loadStartMs()) / 1000));
			if (request.ok()) {
				ok[bucket]++;
			}
			else {
				failed[bucket]++;
			}
		}
		int max = 1;
		for (int i = 0; i <= buckets; i++) {
			max = Math.max(max, ok[i] + failed[i]);
		}
		max = (int) Math.ceil(max * 1.15);
		BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, WIDTH, HEIGHT);
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		double xScale = plotWidth / (buckets + 1.0);
		double yScale = plotHeight / (double) max;
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
		g.setColor(Color.BLACK);
		g.drawString(String.format(Locale.ROOT, "%s: %d requests, %d failed, %d lost writes/events/increments",
				run.label(), run.sent(), run.failed(), run.lost() - run.failed()), LEFT, 24);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		StringBuilder timings = new StringBuilder("SIGTERM -> exit / limit:");
		for (RunResult.Restart restart : run.restarts()) {
			RunResult.Timing t = run.timing(restart);
			timings.append(String.format(Locale.ROOT, "  %s %.1fs / %.1fs%s", restart.instance(),
					t.sigtermToExitMs() / 1000, t.limitMs() / 1000,
					Double.isNaN(t.exitToLimit()) ? "" : String.format(Locale.ROOT, " (x%.2f)", t.exitToLimit())));
		}
		g.drawString(timings.toString(), LEFT, 42);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.setColor(new Color(0xdddddd));
		int yStep = niceStep(max);
		for (int y = 0; y <= max; y += yStep) {
			int py = TOP + plotHeight - (int) (y * yScale);
			g.setColor(new Color(0xeeeeee));
			g.drawLine(LEFT, py, LEFT + plotWidth, py);
			g.setColor(Color.DARK_GRAY);
			g.drawString(String.valueOf(y), LEFT - 35, py + 4);
		}
		int xStep = niceStep(buckets);
		for (int x = 0; x <= buckets; x += xStep) {
			int px = LEFT + (int) (x * xScale);
			g.setColor(Color.DARK_GRAY);
			g.drawLine(px, TOP + plotHeight, px, TOP + plotHeight + 4);
			g.drawString(x + "s", px - 6, TOP + plotHeight + 18);
		}
		for (int i = 0; i <= buckets; i++) {
			int x = LEFT + (int) (i * xScale) + 1;
			int w = Math.max(1, (int) xScale - 2);
			int okHeight = (int) Math.round(ok[i] * yScale);
			int failedHeight = (failed[i] > 0) ? Math.max(3, (int) Math.round(failed[i] * yScale)) : 0;
			g.setColor(OK);
			g.fillRect(x, TOP + plotHeight - okHeight, w, okHeight);
			g.setColor(FAILED);
			g.fillRect(x, TOP + plotHeight - okHeight - failedHeight, w, failedHeight);
		}
		g.setColor(Color.BLACK);
		g.drawLine(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight);
		g.drawLine(LEFT, TOP, LEFT, TOP + plotHeight);
		List<String> instances = new ArrayList<>();
		run.events().forEach((e) -> {
			if (!instances.contains(e.instance())) {
				instances.add(e.instance());
			}
		});
		instances.sort(String::compareTo);
		List<AppInstance.Event> marks = new ArrayList<>(run.events());
		run.restarts().forEach((r) -> {
			marks.add(new AppInstance.Event(r.instance(), "UP", r.upAgainAtMs(), ""));
			RunResult.Timing timing = run.timing(r);
			marks.add(new AppInstance.Event(r.instance(), "limit", r.stop().sigtermAtMs() + timing.limitMs(), ""));
			if (!Double.isNaN(timing.lastRoutedMs())) {
				marks.add(new AppInstance.Event(r.instance(), "last routed",
						r.stop().sigtermAtMs() + timing.lastRoutedMs(), ""));
			}
		});
		Stroke solid = new BasicStroke(1.5f);
		Stroke dashed = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 5, 4 },
				0);
		for (AppInstance.Event event : marks) {
			double at = (event.atMs() - run.loadStartMs()) / 1000;
			if (at < 0 || event.atMs() > run.loadEndMs()) {
				continue;
			}
			for (int k = 0; k < MARKS.size(); k++) {
				Mark mark = MARKS.get(k);
				if (mark.kind().equals(event.kind())) {
					int px = LEFT + (int) (at * xScale);
					int row = instances.indexOf(event.instance());
					g.setColor(mark.color());
					g.setStroke(mark.dashed() ? dashed : solid);
					g.drawLine(px, TOP - 4, px, TOP + plotHeight);
					g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
					g.drawString(mark.letter() + (row + 1), px - 6, TOP - 10 - 14 * (k % 5));
				}
			}
		}
		g.setStroke(solid);
		int lx = LEFT;
		int ly = HEIGHT - 58;
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		lx = legendBox(g, lx, ly, OK, "ok (2xx) per second");
		lx = legendBox(g, lx, ly, FAILED, "failed per second (non-2xx or no response)");
		for (Mark mark : MARKS) {
			g.setColor(mark.color());
			g.drawLine(lx, ly - 10, lx, ly + 2);
			String label = mark.letter() + "n " + switch (mark.kind()) {
				case "limit" -> "limit (earliest exit losing nothing)";
				case "UP" -> "UP in HAProxy";
				case "deleted" -> "roll start (endpoints)";
				case "removed" -> "removed from HAProxy";
				case "last routed" -> "last request routed there";
				default -> mark.kind();
			};
			g.drawString(label, lx + 5, ly);
			lx += 25 + g.getFontMetrics().stringWidth(label);
			if (lx > WIDTH - 300) {
				lx = LEFT;
				ly += 18;
			}
		}
		g.setColor(Color.DARK_GRAY);
		g.drawString("n = instance number; x: seconds since the load started (requests bucketed by start time)", LEFT,
				HEIGHT - 16);
		g.dispose();
		try {
			ImageIO.write(image, "png", file.toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int legendBox(Graphics2D g, int x, int y, Color color, String text) {
		g.setColor(color);
		g.fillRect(x, y - 10, 12, 12);
		g.setColor(Color.BLACK);
		g.drawString(text, x + 16, y);
		return x + 30 + g.getFontMetrics().stringWidth(text);
	}

	private static int niceStep(int range) {
		int[] steps = { 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000 };
		for (int step : steps) {
			if (range / step <= 10) {
				return step;
			}
		}
		return 1000;
	}

}
