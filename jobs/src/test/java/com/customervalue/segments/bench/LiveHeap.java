package com.customervalue.segments.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a run holds: the most in use right after any collection, and optionally the most alive.
 * After a young collection G1 still counts the old regions' garbage, which it collects only when
 * the old generation fills up (from 45 % of the heap, adapted as it runs), so the first figure is
 * an upper bound; the second forces a full collection every so often, which costs time, and counts
 * what survives it.
 */
final class LiveHeap implements AutoCloseable {
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong peakAfterFullGc = new AtomicLong();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;
  private final Optional<ScheduledExecutorService> fullCollections;

  private LiveHeap(Optional<ScheduledExecutorService> fullCollections) {
    this.fullCollections = fullCollections;
  }

  /**
   * Starts watching every collector of this JVM and, with {@code fullCollectionEvery}, forcing a
   * full collection that often.
   */
  static LiveHeap watch(Optional<Duration> fullCollectionEvery) {
    LiveHeap heap =
        new LiveHeap(
            fullCollectionEvery.map(
                every -> {
                  ScheduledExecutorService timer =
                      Executors.newSingleThreadScheduledExecutor(
                          task -> {
                            Thread thread = new Thread(task, "live-heap");
                            thread.setDaemon(true);
                            return thread;
                          });
                  timer.scheduleAtFixedRate(
                      System::gc, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
                  return timer;
                }));
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(heap.listener, null, null);
        heap.emitters.add(emitter);
      }
    }
    return heap;
  }

  /** The most heap alive after a forced full collection, if they were asked for. */
  Optional<Long> peakLiveBytes() {
    return fullCollections.map(timer -> peakAfterFullGc.get());
  }

  /** The largest heap in use right after any collection so far, in bytes. */
  long peakBytes() {
    return peakAfterGc.get();
  }

  private void collected(Notification notification, Object handback) {
    if (!notification
        .getType()
        .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long used =
        info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
            .filter(pool -> isHeap(pool.getKey()))
            .mapToLong(pool -> pool.getValue().getUsed())
            .sum();
    peakAfterGc.accumulateAndGet(used, Math::max);
    if (info.getGcAction().equals("end of major GC")) {
      peakAfterFullGc.accumulateAndGet(used, Math::max);
    }
  }

  private static boolean isHeap(String pool) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(
            bean ->
                bean.getName().equals(pool)
                    && bean.getType() == java.lang.management.MemoryType.HEAP);
  }

  @Override
  public void close() {
    fullCollections.ifPresent(ScheduledExecutorService::shutdownNow);
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
